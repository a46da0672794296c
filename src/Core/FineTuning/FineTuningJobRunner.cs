using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// The job method Hangfire calls with a job id; everything else comes from the database. Safe to run twice: a
/// finished job is left alone, and a job another worker holds a live lease on is not touched. An interrupted or
/// paused job continues from its newest complete checkpoint (from the beginning if it has none).
/// </summary>
public sealed class FineTuningJobRunner(IServiceScopeFactory scopes, DataPaths paths, ILogger<FineTuningJobRunner> logger,
    FineTuningSession session, TuningOptions options)
{
    /// <param name="jobId">The fine-tuning job to run.</param>
    /// <param name="shutdown">Hangfire's token: fires when this worker shuts down (the job is then re-queued).</param>
    public async Task RunAsync(string jobId, CancellationToken shutdown)
    {
        var lease = new JobLease(scopes, jobId, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}",
            TimeSpan.FromSeconds(Math.Max(3, options.LeaseSeconds)));
        var statusBefore = await lease.TryClaimAsync(shutdown);
        if (statusBefore is null)
        {
            logger.LogInformation("Job {JobId} is finished or held by another worker; nothing to do", jobId);
            return;
        }

        using var userCancel = new CancellationTokenSource();
        using var pause = new CancellationTokenSource();
        using var stopKeepAlive = new CancellationTokenSource();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown, userCancel.Token, pause.Token);
        var keepAlive = lease.KeepAliveAsync(userCancel, pause, stopKeepAlive.Token);
        try
        {
            var (job, resume) = await StartAsync(jobId, statusBefore, shutdown);
            if (job.CancelRequested) userCancel.Cancel();
            cancel.Token.ThrowIfCancellationRequested();
            var outcome = await session.TrainAsync(job, resume, () => pause.IsCancellationRequested && !userCancel.IsCancellationRequested, cancel.Token);
            await FinishAsync(jobId, j =>
            {
                j.Status = JobStatus.Succeeded;
                j.FineTunedModel = outcome.FineTunedModelId;
                j.TrainedTokens = outcome.TrainedTokens;
                j.ResultFileId = outcome.ResultFileId;
                j.EstimatedFinish = null;
            }, $"New fine-tuned model created: {outcome.FineTunedModelId}", "The job has successfully completed");
        }
        catch (OperationCanceledException) when (userCancel.IsCancellationRequested)
        {
            await FinishAsync(jobId, j => { j.Status = JobStatus.Cancelled; j.EstimatedFinish = null; }, "The job was cancelled.");
        }
        catch (OperationCanceledException) when (pause.IsCancellationRequested)
        {
            await PauseAsync(jobId);
        }
        catch (OperationCanceledException) when (shutdown.IsCancellationRequested)
        {
            logger.LogWarning("Worker shutting down during {JobId}; it will run again from the start", jobId);
            await lease.ReleaseAsync();
            throw; // Hangfire re-queues the job
        }
        catch (Exception e)
        {
            logger.LogError(e, "Job {JobId} failed", jobId);
            var (code, message) = FailureDescription.Of(e);
            await FinishAsync(jobId, j =>
            {
                j.Status = JobStatus.Failed;
                j.ErrorCode = code;
                j.ErrorMessage = message;
                j.EstimatedFinish = null;
            }, $"The job failed: {message}");
        }
        finally
        {
            await stopKeepAlive.CancelAsync();
            await keepAlive;
        }
    }

    /// <summary>
    /// Marks the job running. A job that trained before (its worker died, or it was paused) continues from its newest
    /// complete checkpoint; without one, the partial results of the cut-short attempt are cleared and it starts over.
    /// </summary>
    async Task<(FineTuningJob Job, JobCheckpoint? Resume)> StartAsync(string jobId, string statusBefore, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var job = await db.Jobs.FirstAsync(j => j.Id == jobId, ct);
        var resume = (await db.Checkpoints.AsNoTracking().Where(c => c.JobId == jobId).OrderByDescending(c => c.StepNumber).ToListAsync(ct))
            .FirstOrDefault(c => Training.TrainingResumeState.Exists(Path.Combine(paths.Resolve(c.RelativePath), JobProgressRecorder.TrainingStateFolder)));
        if (resume is not null)
        {
            // What came after the checkpoint is recorded again as training replays from it.
            await db.Metrics.Where(m => m.JobId == jobId && m.Step > resume.StepNumber).ExecuteDeleteAsync(ct);
            await db.Checkpoints.Where(c => c.JobId == jobId && c.StepNumber > resume.StepNumber).ExecuteDeleteAsync(ct);
            await Evaluation.EvaluationRows.ClearForRestartAsync(db, jobId, resume.StepNumber, ct);
            if (statusBefore == JobStatus.Running)
                db.JobEvents.Add(JobEvents.Message(jobId, $"The previous attempt was interrupted (its worker stopped); continuing from step {resume.StepNumber}.", "warn"));
            job.Step = resume.StepNumber;
        }
        else if (statusBefore == JobStatus.Running || await db.Metrics.AnyAsync(m => m.JobId == jobId, ct))
        {
            db.Metrics.RemoveRange(db.Metrics.Where(m => m.JobId == jobId));
            db.Checkpoints.RemoveRange(db.Checkpoints.Where(c => c.JobId == jobId));
            await Evaluation.EvaluationRows.ClearForRestartAsync(db, jobId, null, ct);
            var folder = paths.Resolve(DataPaths.JobRelativePath(jobId));
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            db.JobEvents.Add(JobEvents.Message(jobId, "The previous attempt was interrupted (its worker stopped) before its first checkpoint; training restarts from the beginning.", "warn"));
        }
        job.Status = JobStatus.Running;
        job.Phase = JobPhase.Validating;
        job.StartedAt ??= Clock.Now();
        if (resume is null) job.Step = 0;
        if (resume is null) db.JobEvents.Add(JobEvents.Message(jobId, "Fine-tuning job started"));
        await db.SaveChangesAsync(ct);
        return (job, resume);
    }

    /// <summary>Leaves the job paused at its checkpoint: not finished, held by no worker, ready for POST .../resume.</summary>
    async Task PauseAsync(string jobId)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var job = await db.Jobs.FirstAsync(j => j.Id == jobId);
        job.Status = JobStatus.Paused;
        job.PauseRequested = false;
        job.Phase = null;
        job.EstimatedFinish = null;
        job.LeaseOwner = null;
        job.LeaseExpiresAt = null;
        var checkpoint = await db.Checkpoints.AsNoTracking().Where(c => c.JobId == jobId).OrderByDescending(c => c.StepNumber).FirstOrDefaultAsync();
        if (checkpoint is not null) job.Step = checkpoint.StepNumber;
        db.JobEvents.Add(JobEvents.Message(jobId, checkpoint is null
            ? "The job was paused before its first step; resume starts it from the beginning."
            : $"The job was paused at step {checkpoint.StepNumber} (checkpoint {checkpoint.Id}); POST .../resume continues from there."));
        await db.SaveChangesAsync();
    }

    async Task FinishAsync(string jobId, Action<FineTuningJob> update, params string[] messages)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var job = await db.Jobs.FirstAsync(j => j.Id == jobId);
        update(job);
        job.FinishedAt = Clock.Now();
        job.Phase = null; // phases describe a running job
        job.LeaseOwner = null;
        job.LeaseExpiresAt = null;
        foreach (var m in messages)
            db.JobEvents.Add(JobEvents.Message(jobId, m, job.Status == JobStatus.Failed ? "error" : "info"));
        await db.SaveChangesAsync();
    }
}
