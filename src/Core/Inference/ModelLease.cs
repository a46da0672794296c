namespace TuningService.Core.Inference;

/// <summary>Use of a cached model for one request; disposing it lets the cache evict the model again.</summary>
public sealed class ModelLease(LoadedInferenceModel model, Action release) : IDisposable
{
    int released;

    public LoadedInferenceModel Model { get; } = model;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref released, 1) == 0) release();
    }
}
