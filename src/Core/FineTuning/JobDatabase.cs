using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// All database access of the worker that holds a job. Every write is fenced: it runs in a transaction that first
/// confirms (and row-locks) the lease generation this worker claimed, so a worker that lost the job writes
/// nothing. Writes go through one ordered queue — progress from the training thread is enqueued and training goes
/// on — and transient errors are retried with backoff (<see cref="DatabaseRetry"/>), so a database restart or a
/// minute's outage delays the progress rows without losing or reordering them. A lost lease or an outage past
/// the tolerance fires <see cref="Stopped"/>: the runner then stops training.
/// </summary>
public sealed class JobDatabase : IAsyncDisposable
{
    readonly IServiceScopeFactory scopes;
    readonly DatabaseRetry retry;
    readonly JobLease lease;
    readonly ILogger logger;
    readonly Channel<QueuedWrite> queue = Channel.CreateUnbounded<QueuedWrite>(new UnboundedChannelOptions { SingleReader = true });
    readonly CancellationTokenSource stopped = new();
    readonly Task writer;

    public JobDatabase(IServiceScopeFactory scopes, DatabaseRetry retry, JobLease lease, ILogger logger)
    {
        this.scopes = scopes;
        this.retry = retry;
        this.lease = lease;
        this.logger = logger;
        writer = Task.Run(WriteInOrderAsync);
    }

    public string JobId => lease.JobId;

    /// <summary>Fires when this worker must stop: the lease is lost or the database stayed away too long (see <see cref="StopCause"/>).</summary>
    public CancellationToken Stopped => stopped.Token;

    /// <summary>A <see cref="LeaseLostException"/> or a <see cref="DatabaseOutageException"/>, once <see cref="Stopped"/> fired.</summary>
    public Exception? StopCause { get; private set; }

    /// <summary>Records why the worker must stop (the first cause wins) and fires <see cref="Stopped"/>.</summary>
    public void Stop(Exception cause)
    {
        lock (stopped)
        {
            if (StopCause is not null) return;
            StopCause = cause;
        }
        logger.LogWarning("Job {JobId}: stopping: {Cause}", JobId, cause.Message);
        stopped.Cancel();
    }

    /// <summary>A read, retried through transient errors. Reads are not fenced: they change nothing.</summary>
    public Task<T> ReadAsync<T>(Func<TuningDbContext, CancellationToken, Task<T>> read, CancellationToken ct) =>
        retry.RunAsync(async c =>
        {
            using var scope = scopes.CreateScope();
            return await read(scope.ServiceProvider.GetRequiredService<TuningDbContext>(), c);
        }, ct);

    /// <summary>
    /// A fenced write, after every write queued before it; completes when committed. Throws
    /// <see cref="LeaseLostException"/> or <see cref="DatabaseOutageException"/> when the worker must stop.
    /// Tracked entities added to the context are saved with it; the delegate may run more than once (a retry),
    /// each time on a fresh context.
    /// </summary>
    public Task WriteAsync(Func<TuningDbContext, CancellationToken, Task> write)
    {
        var item = new QueuedWrite(write, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!queue.Writer.TryWrite(item)) item.Done.TrySetException(StopCause ?? new ObjectDisposedException(nameof(JobDatabase)));
        return item.Done.Task;
    }

    /// <summary>A fenced write from the training thread: queued in order, not waited for (a failure that must stop the worker fires <see cref="Stopped"/>).</summary>
    public void Enqueue(Func<TuningDbContext, CancellationToken, Task> write) =>
        _ = WriteAsync(write).ContinueWith(t => _ = t.Exception, TaskScheduler.Default);

    /// <inheritdoc cref="Enqueue(Func{TuningDbContext, CancellationToken, Task})"/>
    public void Enqueue(Action<TuningDbContext> write) => Enqueue((db, _) =>
    {
        write(db);
        return Task.CompletedTask;
    });

    /// <summary>Queues a change of the running job's phase (see <see cref="JobTransitions.SetPhaseAsync"/>).</summary>
    public void EnqueuePhase(string phase) => Enqueue((db, c) => JobTransitions.SetPhaseAsync(db, JobId, phase, c));

    /// <summary>Waits until every write queued so far is committed (or failed because the worker must stop).</summary>
    public Task FlushAsync() => WriteAsync((_, _) => Task.CompletedTask);

    /// <summary>
    /// Whether this worker still holds the job, asked of the database directly (not behind the queue), for the
    /// file writes the fence cannot cover — before a checkpoint folder is moved into place. False only when the
    /// lease is known to be lost; a database that does not answer within <paramref name="patience"/> is given the
    /// benefit of the doubt (a takeover needs the database too), so training goes on through an outage.
    /// </summary>
    public bool StillHolds(TimeSpan patience)
    {
        if (StopCause is LeaseLostException) return false;
        try
        {
            var check = Task.Run(async () =>
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
                var (generation, owner) = (lease.Generation, lease.Owner);
                return await db.Jobs.AnyAsync(j => j.Id == lease.JobId && j.LeaseGeneration == generation && j.LeaseOwner == owner);
            });
            if (!check.Wait(patience) || check.Result) return true;
        }
        catch (AggregateException e) when (TransientDatabaseErrors.IsTransient(e))
        {
            return true;
        }
        Stop(new LeaseLostException(lease.JobId, lease.Generation));
        return false;
    }

    async Task WriteInOrderAsync()
    {
        await foreach (var item in queue.Reader.ReadAllAsync())
        {
            if (StopCause is { } cause)
            {
                item.Done.TrySetException(cause);
                continue;
            }
            try
            {
                await retry.RunAsync(c => FencedAsync(item.Write, c), CancellationToken.None);
                item.Done.TrySetResult();
            }
            catch (Exception e) when (e is LeaseLostException or DatabaseOutageException)
            {
                Stop(e);
                item.Done.TrySetException(e);
            }
            catch (Exception e)
            {
                item.Done.TrySetException(e);
            }
        }
    }

    async Task FencedAsync(Func<TuningDbContext, CancellationToken, Task> write, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        // A retrying execution strategy (PostgreSQL) allows a transaction of ours only inside it; it re-runs the
        // whole unit on a broken connection, so each try starts from a clean context.
        await db.Database.CreateExecutionStrategy().ExecuteAsync(async c =>
        {
            db.ChangeTracker.Clear();
            await FencedOnceAsync(db, write, c);
        }, ct);
    }

    async Task FencedOnceAsync(TuningDbContext db, Func<TuningDbContext, CancellationToken, Task> write, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The fence: an update of the job's row that matches only while this worker holds the generation it
        // claimed. On PostgreSQL it also locks the row until commit, so a claim cannot slip in between.
        var generation = lease.Generation;
        var owner = lease.Owner;
        var held = await db.Jobs.Where(j => j.Id == lease.JobId && j.LeaseGeneration == generation && j.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseGeneration, generation), ct);
        if (held != 1) throw new LeaseLostException(lease.JobId, generation);
        await write(db, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
        stopped.Dispose();
    }

    sealed record QueuedWrite(Func<TuningDbContext, CancellationToken, Task> Write, TaskCompletionSource Done);
}
