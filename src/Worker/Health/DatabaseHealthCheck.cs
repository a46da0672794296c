using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TuningService.Core.Persistence;

namespace TuningService.Worker.Health;

/// <summary>Ready needs the database: one connection opened (EF's CanConnect), nothing read.</summary>
public sealed class DatabaseHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        return await db.Database.CanConnectAsync(ct)
            ? HealthCheckResult.Healthy($"{db.Database.ProviderName} answers")
            : HealthCheckResult.Unhealthy("The database does not accept connections (ConnectionStrings:Postgres).");
    }
}
