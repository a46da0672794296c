using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TuningService.Core.Persistence;

namespace TuningService.Worker.Health;

/// <summary>
/// Ready needs the schema this build expects: every migration applied (a newer build's start-up applies them; an
/// older process beside a newer schema stays ready, as it was when it started).
/// </summary>
public sealed class MigrationsHealthCheck(IServiceScopeFactory scopes) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        return pending.Count == 0
            ? HealthCheckResult.Healthy("all migrations applied")
            : HealthCheckResult.Unhealthy($"{pending.Count} migrations not applied yet (the first: {pending[0]}); a starting API or worker applies them.");
    }
}
