# Sourced by bench/run: describes the machine the figures come from.

# describe_machine LABEL: CPU, cores, memory, OS, .NET, TorchSharp/LibTorch, the commit, and the load average now.
describe_machine() {
  local label="$1"
  if [[ "$label" == "start" ]]; then
    local cpu flags memory os dotnet_sdk dotnet_runtime torchsharp libtorch commit
    cpu="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    # The instruction sets LibTorch's kernels choose from; bf16 and AMX decide what bf16 training can gain.
    flags="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -xE 'avx2|fma|avx512f|avx512_bf16|avx512_vnni|amx_bf16|amx_tile' | tr '\n' ' ')"
    memory="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1024 / 1024 }' /proc/meminfo)"
    os="$( (. /etc/os-release && echo "$PRETTY_NAME") 2>/dev/null || uname -s), kernel $(uname -r)"
    dotnet_sdk="$(dotnet --version)"
    dotnet_runtime="$(dotnet --list-runtimes | awk '/^Microsoft.NETCore.App/ { v = $2 } END { print v }')"
    torchsharp="$(grep -oP 'Include="TorchSharp" Version="\K[^"]+' Directory.Packages.props)"
    libtorch="$(grep -oP 'Include="libtorch-cpu-linux-x64" Version="\K[^"]+' Directory.Packages.props)"
    commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "Date:        $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "CPU:         $cpu; $(nproc) cores available ($(grep -c '^processor' /proc/cpuinfo) logical CPUs); ${flags:-no AVX2/AVX-512 flags}"
    echo "Memory:      $memory"
    echo "OS:          $os"
    echo ".NET:        SDK $dotnet_sdk, runtime $dotnet_runtime"
    echo "Torch:       TorchSharp $torchsharp, LibTorch $libtorch (CPU)"
    echo "Commit:      $commit"
  fi
  echo "Load average at $label: $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; on $(nproc) cores, anything above ~0.5 means other work shared the machine)"
}
