using TuningService.Core.Configuration;

namespace TuningService.Core.Inference;

/// <summary>
/// Bounds generation work: <see cref="TuningOptions.MaxConcurrentGenerations"/> run at once, up to
/// <see cref="TuningOptions.MaxQueuedGenerations"/> wait, and anything beyond is refused at once (the API answers 429).
/// </summary>
public sealed class GenerationGate(TuningOptions options) : IDisposable
{
    readonly SemaphoreSlim running = new(Math.Max(1, options.MaxConcurrentGenerations));
    int waiting;

    /// <summary>A slot to generate in, or null when the queue is full.</summary>
    public async Task<IDisposable?> TryEnterAsync(CancellationToken ct)
    {
        if (Interlocked.Increment(ref waiting) > options.MaxQueuedGenerations + options.MaxConcurrentGenerations)
        {
            Interlocked.Decrement(ref waiting);
            return null;
        }
        try
        {
            await running.WaitAsync(ct);
        }
        catch
        {
            Interlocked.Decrement(ref waiting);
            throw;
        }
        return new Slot(this);
    }

    sealed class Slot(GenerationGate gate) : IDisposable
    {
        int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) != 0) return;
            gate.running.Release();
            Interlocked.Decrement(ref gate.waiting);
        }
    }

    public void Dispose() => running.Dispose();
}
