using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Common;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// POST .../pause stops a job at a checkpoint that holds everything a resume needs (a queued job is simply held);
/// POST .../resume queues it again and training continues from that checkpoint, its ETA counted afresh.
/// </summary>
public static class PauseResumeFineTuningJob
{
    static readonly TimeSpan WaitForWorker = TimeSpan.FromSeconds(30);

    public static async Task<FineTuningJobResponse> Pause(string job_id, HttpContext http, TuningDbContext db, CancellationToken ct)
    {
        var owner = Caller.From(http).Owner;
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, owner, ct);
        if (job.Status is not (JobStatus.Queued or JobStatus.ValidatingFiles or JobStatus.Running))
            throw new ApiException(400, $"Job {job.Id} is {job.Status}; only a queued or running job can be paused.", "job_id", "job_not_pausable");
        var now = Clock.Now();
        // Not held by a live worker: pause it here, in one conditional update.
        var direct = await db.Jobs.Where(j => j.Id == job.Id && (j.Status == JobStatus.Queued || j.Status == JobStatus.ValidatingFiles || j.Status == JobStatus.Running)
                                              && (j.LeaseOwner == null || j.LeaseExpiresAt < now))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Paused).SetProperty(j => j.EstimatedFinish, (long?)null), ct);
        if (direct == 1)
        {
            db.JobEvents.Add(JobEvents.Message(job.Id, "The job was paused before a worker took it."));
            await db.SaveChangesAsync(ct);
        }
        else
        {
            // The worker polls this flag, checkpoints and stops; saving a checkpoint can take a while for a big model.
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.PauseRequested, true), ct);
            await WorkerAcknowledgement.WaitUntilStoppedAsync(db, job.Id, WaitForWorker, ct);
        }
        return FineTuningJobResponse.From(await FineTuningJobsApi.FindOwnedAsync(db, job.Id, owner, ct));
    }

    public static async Task<FineTuningJobResponse> Resume(string job_id, HttpContext http, TuningDbContext db, IJobDispatcher dispatcher, CancellationToken ct)
    {
        var owner = Caller.From(http).Owner;
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, owner, ct);
        var resumed = await db.Jobs.Where(j => j.Id == job.Id && j.Status == JobStatus.Paused)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Queued).SetProperty(j => j.PauseRequested, false), ct);
        if (resumed == 0)
            throw new ApiException(400, $"Job {job.Id} is {job.Status}; only a paused job can be resumed.", "job_id", "job_not_paused");
        db.JobEvents.Add(JobEvents.Message(job.Id, "The job was resumed and is queued again."));
        await db.SaveChangesAsync(ct);
        dispatcher.Dispatch(job.Id);
        return FineTuningJobResponse.From(await FineTuningJobsApi.FindOwnedAsync(db, job.Id, owner, ct));
    }
}
