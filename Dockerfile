# syntax=docker/dockerfile:1
#
# Targets:
#   api         the HTTP API (default target). Runs the Hangfire server in-process unless
#               Tuning__RunWorkerInProcess=false (docker-compose.yml runs a separate worker).
#   worker      the Hangfire server host, CPU LibTorch.
#   worker-gpu  the same worker with CUDA 12.8 LibTorch (-p:TorchDevice=cuda, see src/Core/Core.csproj);
#               needs an NVIDIA driver on the host and the NVIDIA container toolkit.
#
#   docker build --target worker-gpu -t tuning-worker-gpu .
#
# Every stage runs Ubuntu 24.04 (the `-noble` / `ubuntu24.04` tags are pinned on purpose).
# build/PatchLibTorchSharp.targets decides on the BUILD machine whether libLibTorchSharp.so needs its
# GLIBCXX_3.4.32 requirement marked weak: it patches only when the build's own libstdc++ lacks that version
# (Debian 12). Ubuntu 24.04's libstdc++ (GCC 14) has it, so the build patches nothing and the runtime stages,
# on the same libstdc++, need nothing patched. Building on a newer libstdc++ than the runtime's would ship an
# unpatched library that fails to load, so keep the build and runtime distributions in step when changing tags.
# (.NET 10 publishes no Debian images; the default `10.0` tags are Ubuntu 24.04 too.)

# ---- sources needed to restore: copied first so package layers stay cached while code changes -------------
FROM mcr.microsoft.com/dotnet/sdk:10.0-noble AS restore-inputs
WORKDIR /src
COPY global.json Directory.Build.props Directory.Build.targets Directory.Packages.props ./
COPY build/ build/
COPY src/Core/Core.csproj src/Core/
COPY src/Worker/Worker.csproj src/Worker/
COPY src/Api/Api.csproj src/Api/

# ---- CPU build: api and worker ---------------------------------------------------------------------------
# -r linux-x64 keeps only the Linux natives (about 0.5 GB per app instead of about 1 GB). Restoring the API
# restores the Worker and Core it references, with the same runtime identifier.
FROM restore-inputs AS build
RUN dotnet restore src/Api/Api.csproj -r linux-x64
COPY src/ src/
RUN dotnet publish src/Api/Api.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /out/api \
 && dotnet publish src/Worker/Worker.csproj -c Release -r linux-x64 --self-contained false --no-restore -o /out/worker

# ---- CPU runtime ------------------------------------------------------------------------------------------
# The aspnet image also serves the worker: one base for both (the worker hosts a small Kestrel listener for /metrics and health).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble AS runtime
WORKDIR /app
# The built-in base model; the apps look for models/ next to the executable (and under the content root, /app).
COPY models/ models/
# Jobs, uploads and checkpoints live in /data. It is created here so a new named volume inherits the app
# user's ownership (the image's `app` user, uid $APP_UID = 1654).
RUN mkdir /data && chown "$APP_UID:$APP_UID" /data
ENV Tuning__DataDir=/data
VOLUME /data
USER $APP_UID

FROM runtime AS worker
COPY --from=build /out/worker ./
# The worker's monitoring listener: /metrics and /healthz/live, /healthz/ready (src/Worker/Monitoring).
ENV Tuning__Worker__MetricsUrls=http://+:9464
EXPOSE 9464
# The image has neither curl nor wget: the app probes itself (`--probe URL`, src/Worker/Hosting/HealthProbe.cs), exit
# 0 on a 2xx. Ready (database, migrations, artifact store), so an orchestrator sees a worker cut off from them.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["dotnet", "TuningService.Worker.dll", "--probe", "http://127.0.0.1:9464/healthz/ready"]
ENTRYPOINT ["dotnet", "TuningService.Worker.dll"]

# ---- GPU build and runtime: worker-gpu --------------------------------------------------------------------
# A separate restore: TorchDevice=cuda swaps libtorch-cpu-linux-x64 for libtorch-cuda-12.8-linux-x64, so the
# assets differ from the CPU build's. BuildKit builds these stages only for --target worker-gpu.
FROM restore-inputs AS build-gpu
RUN dotnet restore src/Worker/Worker.csproj -r linux-x64 -p:TorchDevice=cuda
COPY src/ src/
RUN dotnet publish src/Worker/Worker.csproj -c Release -r linux-x64 --self-contained false --no-restore \
      -p:TorchDevice=cuda -o /out/worker

# LibTorch's CUDA distribution bundles the CUDA libraries it was built against (cuBLAS, cuDNN, ...); this base
# adds the CUDA 12.8 runtime and the NVIDIA container settings (NVIDIA_VISIBLE_DEVICES, NVIDIA_DRIVER_CAPABILITIES).
# The driver comes from the host through the NVIDIA container toolkit.
FROM nvidia/cuda:12.8.1-runtime-ubuntu24.04 AS worker-gpu
# The .NET runtime comes from the official image of the same release and distribution, so the GPU worker runs
# exactly the runtime the CPU images run; its native dependencies are installed from Ubuntu. The `app` user
# gets the aspnet images' uid (1654), so api and worker-gpu containers can share the /data volume.
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0-noble /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet \
 && apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libicu74 libssl3t64 tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --gid 1654 app \
 && useradd --uid 1654 --gid app --no-create-home --shell /usr/sbin/nologin app \
 && mkdir /data && chown app:app /data
ENV DOTNET_ROOT=/usr/share/dotnet \
    APP_UID=1654 \
    Tuning__DataDir=/data \
    Tuning__Worker__MetricsUrls=http://+:9464
WORKDIR /app
COPY models/ models/
COPY --from=build-gpu /out/worker ./
VOLUME /data
USER app
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["dotnet", "TuningService.Worker.dll", "--probe", "http://127.0.0.1:9464/healthz/ready"]
ENTRYPOINT ["dotnet", "TuningService.Worker.dll"]

# ---- api: last, so a plain `docker build .` builds it ------------------------------------------------------
FROM runtime AS api
COPY --from=build /out/api ./
EXPOSE 8080
# The API listens on every interface of the container (ASPNETCORE_HTTP_PORTS=8080), so it needs API keys: without
# them it refuses to start (README "Security"). `docker run -e Tuning__ApiKeys__0__Key=... -e Tuning__ApiKeys__0__Owner=me
# -e Tuning__ApiKeys__0__Admin=true`, or a mounted keys file (-e Tuning__ApiKeysFile=/run/secrets/keys.json), or, for
# a container that nothing but this host can reach, -e Tuning__AllowAnonymous=true.
# 8080: the aspnet image's ASPNETCORE_HTTP_PORTS. See the worker's HEALTHCHECK for --probe.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
  CMD ["dotnet", "TuningService.Api.dll", "--probe", "http://127.0.0.1:8080/healthz/ready"]
ENTRYPOINT ["dotnet", "TuningService.Api.dll"]
