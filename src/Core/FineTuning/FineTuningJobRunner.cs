using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Evaluation;
using TuningService.Core.Observability;
using TuningService.Core.FineTuning.Checkpoints;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// The job method Hangfire calls with a job id; everything else comes from the database. It claims the job (a
/// fenced lease), gives up on a job that has killed too many workers, continues from the newest verified
/// checkpoint, trains, and ends the attempt in exactly one way:
/// <list type="bullet">
/// <item>succeeded, failed (an error of training itself, at once, no retry) or cancelled;</item>
/// <item>paused, or queued again after a graceful shutdown (a checkpoint at the current step), the attempt not
/// counted as a worker death;</item>
/// <item>nothing written at all when the lease was lost or the database stayed away past the tolerance: the job
/// belongs to whoever holds it next (the reconciler re-dispatches a lapsed lease).</item>
/// </list>
/// Safe to run twice: a finished, paused or held job is left alone.
/// </summary>
public sealed class FineTuningJobRunner(IServiceScopeFactory scopes, CheckpointStore store, ILogger<FineTuningJobRunner> logger,
    FineTuningRecipe recipe, TuningOptions options, WorkerShutdown processShutdown, ArtifactMirror mirror)
{
    /// <param name="jobId">The fine-tuning job to run.</param>
    /// <param name="hangfireToken">Hangfire's token: fires when this worker shuts down (the job is then handed back at a
    /// checkpoint), but also when Hangfire aborts its job; where the process's own signal is known (<see cref="WorkerShutdown"/>)
    /// only that one counts as a shutdown, and an abort is left to the lease.</param>
    public async Task RunAsync(string jobId, CancellationToken hangfireToken)
    {
        // Every line logged while this job runs, by any component on this async flow (trainer, store, database),
        // carries its id: with JSON console logs (Logging:Console:FormatterName=json) it is a field of each line.
        using var logScope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = jobId });
        var attempt = Stopwatch.StartNew();
        string? attemptEnd = null;
        var shutdown = processShutdown.For(hangfireToken);
        var retry = new DatabaseRetry(TimeSpan.FromSeconds(Math.Max(1, options.DatabaseOutageToleranceSeconds)), logger);
        var lease = new JobLease(scopes, retry, jobId, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}",
            TimeSpan.FromSeconds(Math.Max(3, options.LeaseSeconds)));
        var claim = await lease.TryClaimAsync(shutdown);
        if (claim is null)
        {
            logger.LogInformation("Job {JobId} is finished, paused or held by another worker; nothing to do", jobId);
            return;
        }
        await using var database = new JobDatabase(scopes, retry, lease, logger);
        // The job's checkpoints on this machine (fetched to resume from, or written by this attempt) stay while it runs,
        // whatever Tuning:LocalCacheBytes says: training reads and writes them.
        using var checkpointsLease = mirror.Cache.Lease(DataPaths.JobRelativePath(jobId));
        if (claim.Attempts > Math.Max(1, options.MaxJobAttempts))
        {
            await GiveUpAsync(database, claim);
            return;
        }

        using var userCancel = new CancellationTokenSource();
        using var pause = new CancellationTokenSource();
        using var stopKeepAlive = new CancellationTokenSource();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown, userCancel.Token, pause.Token, database.Stopped);
        var keepAlive = lease.KeepAliveAsync(userCancel.Cancel, pause.Cancel, database.Stop, stopKeepAlive.Token);
        var keepAliveFailureLogged = false;
        // Before the write that ends the attempt (it clears the lease owner): a renewal racing that write would find
        // the owner gone and report the lease lost — after the job had ended well. The write is fenced anyway.
        async Task EndKeepAliveAsync()
        {
            await stopKeepAlive.CancelAsync();
            try
            {
                await keepAlive;
            }
            catch (Exception e)
            {
                // Once only (awaited again in finally); it must not keep the job from being ended.
                if (!keepAliveFailureLogged) logger.LogWarning(e, "Job {JobId}: the lease keep-alive failed", jobId);
                keepAliveFailureLogged = true;
            }
        }
        try
        {
            var start = await StartAsync(database, claim, cancel.Token);
            logger.LogInformation("Job {JobId}: training on this worker (attempt {Attempt})", jobId, claim.Attempts);
            if (start.Job.CancelRequested) await userCancel.CancelAsync();
            cancel.Token.ThrowIfCancellationRequested();
            // A pause's or a shutdown's checkpoint is kept: the job continues from it.
            var outcome = await recipe.RunAsync(database, start.Job, start.Resume, start.Kept,
                () => (pause.IsCancellationRequested || shutdown.IsCancellationRequested) && !userCancel.IsCancellationRequested, cancel.Token);
            await EndKeepAliveAsync();
            attemptEnd = JobStatus.Succeeded;
            await EndAsync(database, JobStatus.Succeeded, s => s
                .SetProperty(j => j.FineTunedModel, outcome.FineTunedModelId).SetProperty(j => j.TrainedTokens, outcome.TrainedTokens)
                .SetProperty(j => j.ResultFileId, outcome.ResultFileId).SetProperty(j => j.FinishedAt, Clock.Now()),
                "info", $"New fine-tuned model created: {outcome.FineTunedModelId}", "The job has successfully completed");
        }
        catch (Exception e) when (database.StopCause is not null || e is LeaseLostException or DatabaseOutageException)
        {
            // The job is no longer this worker's to write: another holds it, or the database is gone too long
            // (the lease lapses and the reconciler hands the job to a worker once the database is back).
            logger.LogWarning("Job {JobId}: this worker stopped and wrote nothing more: {Cause}", jobId, (database.StopCause ?? e).Message);
            attemptEnd = "lost";
        }
        catch (OperationCanceledException) when (userCancel.IsCancellationRequested)
        {
            await EndKeepAliveAsync();
            attemptEnd = JobStatus.Cancelled;
            await EndAsync(database, JobStatus.Cancelled, s => s.SetProperty(j => j.FinishedAt, Clock.Now()), "info", "The job was cancelled.");
        }
        catch (OperationCanceledException) when (pause.IsCancellationRequested)
        {
            await EndKeepAliveAsync();
            attemptEnd = JobStatus.Paused;
            await StopCleanlyAsync(database, JobStatus.Paused, step => step is null
                ? "The job was paused before its first checkpoint; resume starts it from the beginning."
                : $"The job was paused at step {step}; POST .../resume continues from there.");
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            logger.LogWarning("Worker shutting down during {JobId}; handing it back at its checkpoint", jobId);
            attemptEnd = "requeued";
            try
            {
                await EndKeepAliveAsync();
                // Bounded: a database that is away now must not hold the process past its grace period; the
                // lease then lapses and the reconciler hands the job on.
                await StopCleanlyAsync(database, JobStatus.Queued, step => step is null
                        ? "The worker shut down before the job's first checkpoint; the next worker starts it from the beginning."
                        : $"The worker shut down: a checkpoint was saved at step {step}; the next worker continues from step {step + 1}.")
                    .WaitAsync(TimeSpan.FromSeconds(Math.Max(5, options.ShutdownCheckpointSeconds)), CancellationToken.None);
            }
            catch (Exception e) when (e is TimeoutException or LeaseLostException or DatabaseOutageException)
            {
                logger.LogWarning("Job {JobId}: could not hand it back ({Error}); its lease will lapse", jobId, e.Message);
            }
            // Hangfire re-queues the job when its own token has fired by then; it follows the host's signal within moments.
            try { await Task.Delay(TimeSpan.FromSeconds(10), hangfireToken); }
            catch (OperationCanceledException) { }
            throw;
        }
        catch (ArtifactStoreException e) when (ArtifactStoreErrors.IsTransient(e))
        {
            // The bucket is away (retried already, see ArtifactMirror): like a database outage, not the job's fault.
            // It goes back to the queue at its last checkpoint that reached the bucket; nothing unpushed has a row.
            logger.LogWarning("Job {JobId}: the artifact store is unavailable; handing the job back: {Error}", jobId, e.Message);
            attemptEnd = "requeued";
            await EndKeepAliveAsync();
            await StopCleanlyAsync(database, JobStatus.Queued, step =>
                $"The artifact store could not be reached ({e.Message}). The job is queued again and continues from " +
                (step is null ? "the beginning" : $"its checkpoint at step {step}") + " once a worker can reach the store.");
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {JobId} failed", jobId);
            var (code, message) = FailureDescription.Of(e);
            attemptEnd = JobStatus.Failed;
            await EndKeepAliveAsync();
            await EndAsync(database, JobStatus.Failed, s => s.SetProperty(j => j.ErrorCode, code).SetProperty(j => j.ErrorMessage, message)
                .SetProperty(j => j.FinishedAt, Clock.Now()), "error", $"The job failed: {message}");
        }
        finally
        {
            await EndKeepAliveAsync();
            if (attemptEnd is not null)
            {
                TuningMetrics.JobRunSeconds.Record(attempt.Elapsed.TotalSeconds, TuningMetrics.Outcome(attemptEnd));
                TuningMetrics.TrainingTokensPerSecond.Record(0); // an idle worker trains nothing; not its last job's rate
                logger.LogInformation("Job {JobId}: attempt ended ({Outcome}) after {Seconds:F1} s", jobId, attemptEnd, attempt.Elapsed.TotalSeconds);
            }
        }
    }

    /// <summary>
    /// Marks the job running. It continues from the newest checkpoint that has its row (so every metric up to it
    /// was recorded) and whose files verify; a damaged newer one is skipped with an event that says why. Without
    /// one, the partial results of an earlier attempt are cleared and training starts over.
    /// </summary>
    async Task<JobStart> StartAsync(JobDatabase database, JobClaim claim, CancellationToken ct)
    {
        var jobId = database.JobId;
        // This worker holds the lease: folders half-written by an earlier attempt are nobody's.
        store.SweepJob(jobId);
        var rows = await database.ReadAsync((db, c) => db.Checkpoints.AsNoTracking().Where(x => x.JobId == jobId).ToListAsync(c), ct);
        // The checkpoints of an attempt on another machine are in the artifact store: fetched, then verified as local ones are.
        foreach (var row in rows) await FetchCheckpointAsync(row, ct);
        var rowSteps = rows.Select(r => r.StepNumber).ToHashSet();
        var found = store.FindNewestVerified(jobId, s => rowSteps.Contains(s.Step)
            && TrainingResumeState.Exists(Path.Combine(s.FullPath, JobProgressRecorder.TrainingStateFolder)));
        var resume = found.Checkpoint is { } chosen ? rows.First(r => r.StepNumber == chosen.Step) : null;
        // Newer checkpoints without a row were written while the database was away (their metrics may be missing):
        // passed over quietly. Damaged ones are worth an event.
        var damaged = found.Rejected.Where(r => r.IsDamaged).ToList();
        var damagedSteps = damaged.Select(r => r.Checkpoint.Step).ToHashSet();
        var storedSteps = store.List(jobId).Select(s => s.Step).ToHashSet();
        var kept = rows.Where(r => resume is not null && r.StepNumber <= resume.StepNumber && !damagedSteps.Contains(r.StepNumber)
                                   && storedSteps.Contains(r.StepNumber)).ToList();
        var interrupted = claim.StatusBefore == JobStatus.Running;
        void AddDamagedEvents(TuningDbContext db)
        {
            foreach (var (rejected, reason) in damaged)
                db.JobEvents.Add(JobEvents.Message(jobId, $"The checkpoint at step {rejected.Step} is damaged ({reason}); it is skipped.", "warn"));
        }

        await database.WriteAsync(async (db, c) =>
        {
            if (resume is not null)
            {
                // What came after the checkpoint is recorded again as training replays from it.
                var keptIds = kept.Select(k => k.Id).ToList();
                await db.Metrics.Where(m => m.JobId == jobId && m.Step > resume.StepNumber).ExecuteDeleteAsync(c);
                await db.Checkpoints.Where(x => x.JobId == jobId && !keptIds.Contains(x.Id)).ExecuteDeleteAsync(c);
                await EvaluationRows.ClearForRestartAsync(db, jobId, resume.StepNumber, c);
                AddDamagedEvents(db);
                if (damaged.Count > 0)
                    db.JobEvents.Add(JobEvents.Message(jobId, $"Continuing from the checkpoint at step {resume.StepNumber}, the newest intact one.", "warn"));
                if (interrupted)
                    db.JobEvents.Add(JobEvents.Message(jobId, $"The previous attempt was interrupted (its worker stopped); continuing from step {resume.StepNumber}.", "warn"));
            }
            else if (interrupted || rows.Count > 0 || await db.Metrics.AnyAsync(m => m.JobId == jobId, c))
            {
                await db.Metrics.Where(m => m.JobId == jobId).ExecuteDeleteAsync(c);
                await db.Checkpoints.Where(x => x.JobId == jobId).ExecuteDeleteAsync(c);
                await EvaluationRows.ClearForRestartAsync(db, jobId, null, c);
                AddDamagedEvents(db);
                db.JobEvents.Add(JobEvents.Message(jobId, "The previous attempt was interrupted before an intact checkpoint; training restarts from the beginning.", "warn"));
            }
            var step = resume?.StepNumber ?? 0;
            var now = Clock.Now();
            if (!await JobTransitions.MoveAsync(db, jobId, JobStatus.Running, c, s => s
                    .SetProperty(j => j.Phase, JobPhase.Validating).SetProperty(j => j.Step, step)
                    .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now)))
                throw new InvalidOperationException($"Job {jobId} cannot start from its current status.");
            if (resume is null) db.JobEvents.Add(JobEvents.Message(jobId, "Fine-tuning job started"));
        });
        // The rows are gone; their folders follow (a crash in between leaves folders no row points to, ignored).
        var keptSteps = kept.Select(k => k.StepNumber).ToHashSet();
        foreach (var stored in store.List(jobId).Where(s => !keptSteps.Contains(s.Step)))
            store.Delete(jobId, stored.Step);
        foreach (var row in rows.Where(r => !keptSteps.Contains(r.StepNumber)))
            await mirror.DeleteAsync(row.RelativePath); // logs, never throws
        var job = await database.ReadAsync((db, c) => db.Jobs.AsNoTracking().FirstAsync(j => j.Id == jobId, c), ct);
        return new JobStart(job, resume, kept);
    }

    /// <summary>
    /// Fetches a checkpoint's folder from the artifact store when this machine lacks it. One the store lacks too is
    /// left out (the newest intact checkpoint that is here is used instead). A store that stays unreachable throws a
    /// transient <see cref="ArtifactStoreException"/>, which sends the job back to the queue (see RunAsync).
    /// </summary>
    async Task FetchCheckpointAsync(JobCheckpoint row, CancellationToken ct)
    {
        try
        {
            await mirror.EnsureLocalFolderAsync(row.RelativePath, ct);
        }
        catch (Exception e) when (e is ArtifactNotFoundException or ArtifactIntegrityException)
        {
            logger.LogWarning("Job {JobId}: the checkpoint at step {Step} cannot be fetched from the artifact store ({Error}); it is not used",
                row.JobId, row.StepNumber, e.Message);
        }
    }

    /// <summary>A terminal status, with its events, in one fenced write.</summary>
    async Task EndAsync(JobDatabase database, string status, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<FineTuningJob>> also,
        string level, params string[] messages)
    {
        await database.WriteAsync(async (db, c) =>
        {
            if (!await JobTransitions.MoveAsync(db, database.JobId, status, c, also))
                throw new InvalidOperationException($"Job {database.JobId} cannot become {status} from its current status.");
            foreach (var m in messages) db.JobEvents.Add(JobEvents.Message(database.JobId, m, level));
        });
    }

    /// <summary>
    /// Paused, or queued again for any worker (a graceful shutdown): the lease released and the attempt not counted
    /// as a worker death. The job continues from its newest checkpoint, whose row is written before this.
    /// </summary>
    Task StopCleanlyAsync(JobDatabase database, string status, Func<int?, string> message) => database.WriteAsync(async (db, c) =>
    {
        var jobId = database.JobId;
        var step = await db.Checkpoints.Where(x => x.JobId == jobId).Select(x => (int?)x.StepNumber).MaxAsync(c);
        if (!await JobTransitions.MoveAsync(db, jobId, status, c, s => s
                .SetProperty(j => j.PauseRequested, false).SetProperty(j => j.Step, step ?? 0)
                .SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (long?)null)
                .SetProperty(j => j.Attempts, j => j.Attempts - 1)))
            throw new InvalidOperationException($"Job {jobId} cannot become {status} from its current status.");
        db.JobEvents.Add(JobEvents.Message(jobId, message(step)));
    });

    /// <summary>The job killed its worker too often: it fails with a code of its own rather than take down one more.</summary>
    Task GiveUpAsync(JobDatabase database, JobClaim claim)
    {
        var deaths = claim.Attempts - 1;
        var message = $"The job's worker stopped without finishing it {deaths} times in a row (Tuning:MaxJobAttempts is {options.MaxJobAttempts}): " +
                      "it was killed, ran out of memory or crashed each time, so the job is not handed to another worker. " +
                      "Check the workers' logs and memory, then create the job again (a smaller batch_size or model needs less memory).";
        logger.LogError("Job {JobId}: {Message}", database.JobId, message);
        return EndAsync(database, JobStatus.Failed, s => s.SetProperty(j => j.ErrorCode, "worker_lost").SetProperty(j => j.ErrorMessage, message)
            .SetProperty(j => j.FinishedAt, Clock.Now()), "error", $"The job failed: {message}");
    }
}
