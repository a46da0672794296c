using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Configuration;
using TuningService.Core.Storage;

namespace TuningService.Worker.Hosting;

/// <summary>
/// Checks the artifact store before the process serves anything: an S3 endpoint that is down, a missing bucket or
/// refused credentials stop start-up with one line naming the endpoint, the bucket and the setting to fix, instead
/// of failing the first upload or checkpoint hours later.
/// </summary>
public static class StartupStorage
{
    /// <summary>Long enough for the SDK's retries against a slow endpoint, short enough that a wrong URL fails start-up promptly.</summary>
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task ValidateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        var store = services.GetRequiredService<IArtifactStore>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Deadline);
        try
        {
            await store.ValidateAsync(deadline.Token);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new StartupException($"The artifact store ({store.Description}) did not answer within {Deadline.TotalSeconds:0} s. " +
                "Check that the server is running and reachable from here, and the Tuning:Storage settings.", e);
        }
    }
}
