using TuningService.Core.Configuration;

namespace TuningService.Core.Inference;

/// <summary>
/// Bounds generation work: <see cref="TuningOptions.MaxConcurrentGenerations"/> run at once, up to
/// <see cref="TuningOptions.MaxQueuedGenerations"/> wait, and anything beyond is refused at once (the API answers 429).
/// <para>
/// Waiting requests queue per owner, and a freed slot goes to the owners in turn (round robin), each owner's own
/// requests in arrival order: an owner who queues a burst gets every other slot while someone else waits, so one
/// owner's burst cannot starve another's single request. (A plain semaphore serves arrival order, which is what let
/// one key hold every slot.)
/// </para>
/// </summary>
/// <remarks>
/// Written here rather than taken from System.Threading.RateLimiting: its ConcurrencyLimiter queues in one order
/// for everyone (oldest or newest first), and a partitioned limiter gives each owner separate slots rather than a
/// share of one pool.
/// </remarks>
public sealed class GenerationGate(TuningOptions options)
{
    readonly int slots = Math.Max(1, options.MaxConcurrentGenerations);
    readonly object sync = new();
    readonly Dictionary<string, LinkedList<Waiter>> queues = new(StringComparer.Ordinal);
    // Owners with someone waiting, in the order they are served next.
    readonly LinkedList<string> turns = new();
    int running;
    int waiting;

    /// <summary>A slot to generate in for <paramref name="owner"/>, or null when the queue is full.</summary>
    public async Task<IDisposable?> TryEnterAsync(string owner, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Waiter waiter;
        LinkedListNode<Waiter> node;
        lock (sync)
        {
            if (running < slots && waiting == 0)
            {
                running++;
                return new Slot(this);
            }
            if (waiting >= options.MaxQueuedGenerations) return null;
            waiter = new Waiter(owner);
            if (!queues.TryGetValue(owner, out var queue))
            {
                queues[owner] = queue = new LinkedList<Waiter>();
                turns.AddLast(owner);
            }
            node = queue.AddLast(waiter);
            waiting++;
        }
        await using (ct.Register(() => Abandon(node)))
            await waiter.Granted.Task;
        return new Slot(this);
    }

    /// <summary>How many requests wait for a slot now, per owner (for tests and diagnostics).</summary>
    public IReadOnlyDictionary<string, int> Waiting()
    {
        lock (sync) return queues.ToDictionary(q => q.Key, q => q.Value.Count);
    }

    /// <summary>A cancelled request leaves its queue; one that was granted a slot meanwhile gives the slot on.</summary>
    void Abandon(LinkedListNode<Waiter> node)
    {
        lock (sync)
        {
            if (node.List is null) return; // granted already: its Slot is returned, and the caller disposes it
            Remove(node);
        }
        node.Value.Granted.TrySetCanceled();
    }

    void Remove(LinkedListNode<Waiter> node)
    {
        var queue = node.List!;
        queue.Remove(node);
        waiting--;
        if (queue.Count == 0)
        {
            queues.Remove(node.Value.Owner);
            turns.Remove(node.Value.Owner);
        }
    }

    /// <summary>A freed slot goes to the first request of the owner whose turn it is; that owner goes to the back.</summary>
    void Release()
    {
        Waiter? next = null;
        lock (sync)
        {
            if (turns.First is { } turn)
            {
                var owner = turn.Value;
                var node = queues[owner].First!;
                Remove(node);
                if (queues.ContainsKey(owner))
                {
                    turns.Remove(owner);
                    turns.AddLast(owner);
                }
                next = node.Value;
            }
            else
            {
                running--;
            }
        }
        // Outside the lock: the continuation may run inline. The slot passes on without running being decremented.
        next?.Granted.TrySetResult();
    }

    sealed class Waiter(string owner)
    {
        public string Owner { get; } = owner;
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    sealed class Slot(GenerationGate gate) : IDisposable
    {
        int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) != 0) return;
            gate.Release();
        }
    }
}
