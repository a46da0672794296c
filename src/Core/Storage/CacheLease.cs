namespace TuningService.Core.Storage;

/// <summary>Keeps a cached file or folder from eviction until disposed (<see cref="LocalArtifactCache.Lease"/>). Disposing twice releases once.</summary>
public sealed class CacheLease(Action release) : IDisposable
{
    int released;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) release();
    }
}
