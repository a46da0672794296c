using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TuningService.Worker.Health;

/// <summary>
/// ASP.NET Core health checks, the same on the API and on a worker's monitoring listener:
/// <list type="bullet">
/// <item><c>/healthz/live</c>: the process answers HTTP; no dependency is asked (a liveness probe that restarts a
/// process because its database is down would only add restarts to the outage).</item>
/// <item><c>/healthz/ready</c>: the database answers, every migration is applied and the artifact store takes a
/// probe write; each check bounded by a timeout, so the answer comes within a few seconds whatever hangs.</item>
/// <item><c>/healthz</c>: the readiness checks, for compatibility (it used to check the database only).</item>
/// </list>
/// 200 when healthy, 503 otherwise, with a JSON body naming each check.
/// </summary>
public static class HealthEndpoints
{
    const string ReadyTag = "ready";
    static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <param name="from">Where the checks find the database and the store; null: this container (the API). The worker's
    /// listener is a small host of its own, and passes the worker's services.</param>
    public static IServiceCollection AddTuningHealthChecks(this IServiceCollection services, IServiceProvider? from = null)
    {
        if (from is null)
        {
            services.AddSingleton<DatabaseHealthCheck>();
            services.AddSingleton<MigrationsHealthCheck>();
            services.AddSingleton<ArtifactStoreHealthCheck>();
        }
        else
        {
            services.AddSingleton(ActivatorUtilities.CreateInstance<DatabaseHealthCheck>(from));
            services.AddSingleton(ActivatorUtilities.CreateInstance<MigrationsHealthCheck>(from));
            services.AddSingleton(ActivatorUtilities.CreateInstance<ArtifactStoreHealthCheck>(from));
        }
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout)
            .AddCheck<MigrationsHealthCheck>("migrations", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout)
            .AddCheck<ArtifactStoreHealthCheck>("storage", HealthStatus.Unhealthy, [ReadyTag], CheckTimeout);
        return services;
    }

    public static IEndpointRouteBuilder MapTuningHealth(this IEndpointRouteBuilder app)
    {
        var ready = new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthReportJson.WriteAsync };
        app.MapHealthChecks("/healthz/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthReportJson.WriteAsync });
        app.MapHealthChecks("/healthz/ready", ready);
        app.MapHealthChecks("/healthz", ready);
        return app;
    }
}
