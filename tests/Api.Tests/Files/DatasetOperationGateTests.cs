using TuningService.Api.Files;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;

namespace TuningService.Api.Tests.Files;

/// <summary>The gate in front of stats, clean and split: slots, an ordered queue, 429 past it, and work off the thread pool.</summary>
public sealed class DatasetOperationGateTests
{
    [Fact]
    public async Task One_runs_one_waits_and_the_next_is_refused_with_429_until_a_slot_frees()
    {
        using var gate = new DatasetOperationGate(new TuningOptions { MaxConcurrentDatasetOperations = 1, MaxQueuedDatasetOperations = 1 });
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var first = gate.RunAsync(_ =>
        {
            started.Set();
            release.Wait(TimeSpan.FromMinutes(1));
            return Thread.CurrentThread.IsThreadPoolThread;
        }, CancellationToken.None);
        Assert.True(started.Wait(TimeSpan.FromMinutes(1)), "the first operation did not start");
        var second = gate.RunAsync(_ => "second", CancellationToken.None); // queued behind the first

        var refused = await Assert.ThrowsAsync<ApiException>(() => gate.RunAsync(_ => "third", CancellationToken.None));
        Assert.Equal(429, refused.Status);
        Assert.Equal("rate_limit_exceeded", refused.Code);
        Assert.False(second.IsCompleted);

        release.Set();
        Assert.False(await first, "the operation ran on a thread-pool thread");
        Assert.Equal("second", await second);
        Assert.Equal("fourth", await gate.RunAsync(_ => "fourth", CancellationToken.None));
    }

    [Fact]
    public async Task A_caller_who_hangs_up_while_waiting_leaves_the_queue()
    {
        using var gate = new DatasetOperationGate(new TuningOptions { MaxConcurrentDatasetOperations = 1, MaxQueuedDatasetOperations = 1 });
        using var release = new ManualResetEventSlim();
        using var started = new ManualResetEventSlim();
        var first = gate.RunAsync(_ => { started.Set(); return release.Wait(TimeSpan.FromMinutes(1)); }, CancellationToken.None);
        Assert.True(started.Wait(TimeSpan.FromMinutes(1)));
        using var hangUp = new CancellationTokenSource();
        var waiting = gate.RunAsync(_ => "never", hangUp.Token);
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        var next = gate.RunAsync(_ => "next", CancellationToken.None); // the queue's one place is free again
        release.Set();
        Assert.True(await first);
        Assert.Equal("next", await next);
    }
}
