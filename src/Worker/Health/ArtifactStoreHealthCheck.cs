using Microsoft.Extensions.Diagnostics.HealthChecks;
using TuningService.Core.Storage;

namespace TuningService.Worker.Health;

/// <summary>
/// Ready needs the artifact store: the same probe as start-up (<see cref="IArtifactStore.ValidateAsync"/>: list,
/// write and delete a probe object, or a probe file locally). A probe writes, so its result is kept for
/// <see cref="ReuseFor"/>: a readiness probe every few seconds from every orchestrator costs one write per interval.
/// </summary>
public sealed class ArtifactStoreHealthCheck(IArtifactStore store) : IHealthCheck
{
    static readonly TimeSpan ReuseFor = TimeSpan.FromSeconds(10);

    readonly SemaphoreSlim probing = new(1, 1);
    (DateTime At, HealthCheckResult Result)? last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (last is { } cached && DateTime.UtcNow - cached.At < ReuseFor) return cached.Result;
        await probing.WaitAsync(ct);
        try
        {
            if (last is { } fresh && DateTime.UtcNow - fresh.At < ReuseFor) return fresh.Result;
            HealthCheckResult result;
            try
            {
                await store.ValidateAsync(ct);
                result = HealthCheckResult.Healthy(store.Description);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                result = HealthCheckResult.Unhealthy(e.Message);
            }
            last = (DateTime.UtcNow, result);
            return result;
        }
        finally
        {
            probing.Release();
        }
    }
}
