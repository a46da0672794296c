using TuningService.Core.Configuration;
using TuningService.Core.Inference;

namespace TuningService.Core.Tests.Inference;

/// <summary>The generation gate's slots go to waiting owners in turn; the queue's bound still refuses at once.</summary>
public sealed class GenerationGateTests
{
    [Fact]
    public async Task One_owners_burst_does_not_keep_another_owners_request_waiting_behind_it()
    {
        var gate = new GenerationGate(new TuningOptions { MaxConcurrentGenerations = 1, MaxQueuedGenerations = 16 });
        var granted = new List<string>();
        var running = await gate.TryEnterAsync("alice", CancellationToken.None);
        Assert.NotNull(running);

        // Alice queues a burst of five, then Bob sends one.
        var waiting = new List<(string Name, Task<IDisposable?> Slot)>();
        for (var i = 1; i <= 5; i++) waiting.Add(($"alice-{i}", gate.TryEnterAsync("alice", CancellationToken.None)));
        waiting.Add(("bob-1", gate.TryEnterAsync("bob", CancellationToken.None)));
        Assert.All(waiting, w => Assert.False(w.Slot.IsCompleted));
        Assert.Equal(5, gate.Waiting()["alice"]);
        Assert.Equal(1, gate.Waiting()["bob"]);

        // Each finished generation hands its slot to the next in turn: record who got it.
        var slot = running!;
        while (waiting.Count > 0)
        {
            slot.Dispose();
            var next = await Task.WhenAny(waiting.Select(w => w.Slot));
            var entry = waiting.Single(w => w.Slot == next);
            Assert.Single(waiting, w => w.Slot.IsCompleted); // one slot: exactly one request holds it
            granted.Add(entry.Name);
            waiting.Remove(entry);
            slot = (await next)!;
        }
        slot.Dispose();

        // Bob is served right after Alice's first queued request, not after her whole burst; Alice's own requests
        // keep their order.
        Assert.Equal(["alice-1", "bob-1", "alice-2", "alice-3", "alice-4", "alice-5"], granted);
        Assert.Empty(gate.Waiting());
    }

    [Fact]
    public async Task Past_the_queue_bound_a_request_is_refused_and_a_cancelled_one_leaves_the_queue()
    {
        var gate = new GenerationGate(new TuningOptions { MaxConcurrentGenerations = 1, MaxQueuedGenerations = 1 });
        var running = await gate.TryEnterAsync("alice", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var queued = gate.TryEnterAsync("bob", cancel.Token);
        Assert.Null(await gate.TryEnterAsync("carol", CancellationToken.None));

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.Empty(gate.Waiting());

        // The place is free again, and the freed slot goes to the next waiter.
        var carol = gate.TryEnterAsync("carol", CancellationToken.None);
        running!.Dispose();
        var slot = await carol;
        Assert.NotNull(slot);
        slot!.Dispose();
        Assert.NotNull(await gate.TryEnterAsync("dave", CancellationToken.None)); // no slot leaked
    }
}
