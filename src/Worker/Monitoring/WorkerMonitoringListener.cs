using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TuningService.Worker.Health;

namespace TuningService.Worker.Monitoring;

/// <summary>
/// A worker's small HTTP listener on <see cref="WorkerMonitoringOptions.MetricsUrls"/>: /metrics (this worker's
/// training, retries, process CPU and memory) and /healthz/live, /healthz/ready (its database, migrations and
/// artifact store). A minimal Kestrel host of its own, so the worker stays a plain generic host; its checks use the
/// worker's services and it logs through the worker's logging.
/// </summary>
public sealed class WorkerMonitoringListener(IServiceProvider services, WorkerMonitoringOptions options, ILoggerFactory loggers)
    : IHostedService, IAsyncDisposable
{
    WebApplication? app;

    public async Task StartAsync(CancellationToken ct)
    {
        var urls = options.MetricsUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseUrls(urls);
        // The aspnet images set ASPNETCORE_HTTP_PORTS=8080 for the API; this listener has its own URLs (without this,
        // Kestrel warns at every start that they override it).
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, "");
        builder.Logging.ClearProviders();
        builder.Services.Replace(ServiceDescriptor.Singleton(loggers));
        // The worker's host handles SIGTERM and stops this one through StopAsync.
        builder.Services.AddSingleton<IHostLifetime, NoSignalsLifetime>();
        builder.Services.AddTuningHealthChecks(from: services);
        app = builder.Build();
        app.MapTuningHealth();
        app.MapTuningMetrics(jobGauges: false);
        await app.StartAsync(ct);
        loggers.CreateLogger<WorkerMonitoringListener>().LogInformation("Serving /metrics and /healthz/* on {Urls}", string.Join(", ", urls));
    }

    public async Task StopAsync(CancellationToken ct)
    {
        if (app is not null) await app.StopAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
    }
}
