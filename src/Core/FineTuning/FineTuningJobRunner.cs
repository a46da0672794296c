using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// The job method Hangfire calls with a job id; everything else comes from the database. Safe to run twice: a
/// finished job is left alone, and a job another worker holds a live lease on is not touched. An interrupted
/// attempt (its worker died) starts over from the beginning.
/// </summary>
public sealed class FineTuningJobRunner(IServiceScopeFactory scopes, DataPaths paths, ILogger<FineTuningJobRunner> logger,
    FineTuningSession session)
{
    /// <param name="jobId">The fine-tuning job to run.</param>
    /// <param name="shutdown">Hangfire's token: fires when this worker shuts down (the job is then re-queued).</param>
    public async Task RunAsync(string jobId, CancellationToken shutdown)
    {
        var lease = new JobLease(scopes, jobId, $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}");
        var statusBefore = await lease.TryClaimAsync(shutdown);
        if (statusBefore is null)
        {
            logger.LogInformation("Job {JobId} is finished or held by another worker; nothing to do", jobId);
            return;
        }

        using var userCancel = new CancellationTokenSource();
        using var stopKeepAlive = new CancellationTokenSource();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(shutdown, userCancel.Token);
        var keepAlive = lease.KeepAliveAsync(userCancel, stopKeepAlive.Token);
        try
        {
            var job = await StartAsync(jobId, statusBefore, shutdown);
            if (job.CancelRequested) userCancel.Cancel();
            cancel.Token.ThrowIfCancellationRequested();
            var outcome = await session.TrainAsync(job, cancel.Token);
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

    /// <summary>Marks the job running. If a previous attempt was cut short, its partial results are cleared first.</summary>
    async Task<FineTuningJob> StartAsync(string jobId, string statusBefore, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var job = await db.Jobs.FirstAsync(j => j.Id == jobId, ct);
        if (statusBefore == JobStatus.Running)
        {
            db.Metrics.RemoveRange(db.Metrics.Where(m => m.JobId == jobId));
            db.Checkpoints.RemoveRange(db.Checkpoints.Where(c => c.JobId == jobId));
            var folder = paths.Resolve(DataPaths.JobRelativePath(jobId));
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            db.JobEvents.Add(JobEvents.Message(jobId, "The previous attempt was interrupted (its worker stopped); training restarts from the beginning.", "warn"));
        }
        job.Status = JobStatus.Running;
        job.Phase = JobPhase.Validating;
        job.StartedAt ??= Clock.Now();
        job.Step = 0;
        db.JobEvents.Add(JobEvents.Message(jobId, "Fine-tuning job started"));
        await db.SaveChangesAsync(ct);
        return job;
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
