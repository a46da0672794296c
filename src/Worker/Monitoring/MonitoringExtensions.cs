using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Prometheus;

namespace TuningService.Worker.Monitoring;

/// <summary>
/// Prometheus metrics with prometheus-net (stable for years, the plain Prometheus text format; OpenTelemetry's
/// Prometheus exporter is still a beta): process CPU and memory from its process collector, HTTP requests from its
/// middleware, the service's own from Core's meter (<see cref="TuningMeterExporter"/>), jobs by status from the
/// database (<see cref="JobGauges"/>, API only).
/// </summary>
public static class MonitoringExtensions
{
    public static IServiceCollection AddTuningMetrics(this IServiceCollection services)
    {
        TuningMeterExporter.StartOnce();
        services.AddSingleton<JobGauges>();
        return services;
    }

    /// <summary>
    /// A worker process: its metrics, and the listener that serves them with its health checks when
    /// Tuning:Worker:MetricsUrls is set.
    /// </summary>
    public static IServiceCollection AddWorkerMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddTuningMetrics();
        var options = configuration.GetSection(WorkerMonitoringOptions.Section).Get<WorkerMonitoringOptions>() ?? new WorkerMonitoringOptions();
        services.AddSingleton(options);
        if (!string.IsNullOrWhiteSpace(options.MetricsUrls)) services.AddHostedService<WorkerMonitoringListener>();
        return services;
    }

    /// <summary>
    /// With <c>Logging:Console:FormatterName=json</c> (.NET's own JSON console formatter) every line is one JSON
    /// object; here its scopes are included, which carry a request's id (RequestId, as in x-request-id) and a job's id
    /// (JobId), and its
    /// timestamps are UTC. The plain formatter stays as it was.
    /// </summary>
    public static ILoggingBuilder AddTuningLogging(this ILoggingBuilder logging)
    {
        logging.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
        });
        return logging;
    }

    /// <summary>
    /// http_request_duration_seconds (and http_requests_received_total, http_requests_in_progress) by method, status
    /// code and endpoint: the route template (/v1/fine_tuning/jobs/{job_id}), never the raw path, so ids add no series;
    /// "" for a URL that matches no route. Place it outside the error handler, so it counts the status the caller got.
    /// </summary>
    public static IApplicationBuilder UseTuningHttpMetrics(this IApplicationBuilder app)
    {
        app.UseHttpMetrics();
        // The exception handler clears the endpoint before it writes the error; put back, an error answered by the
        // handler (a 404 for a missing job) is still counted under its route.
        return app.Use(async (context, next) =>
        {
            var endpoint = context.GetEndpoint();
            await next(context);
            if (endpoint is not null && context.GetEndpoint() is null) context.SetEndpoint(endpoint);
        });
    }

    /// <summary>GET /metrics in the Prometheus text format; with <paramref name="jobGauges"/>, jobs by status refreshed first.</summary>
    public static IEndpointConventionBuilder MapTuningMetrics(this IEndpointRouteBuilder app, bool jobGauges)
    {
        return app.MapGet("/metrics", async (HttpContext context, CancellationToken ct) =>
        {
            if (jobGauges) await context.RequestServices.GetRequiredService<JobGauges>().RefreshAsync(ct);
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(context.Response.Body, ct);
        }).ExcludeFromDescription();
    }
}
