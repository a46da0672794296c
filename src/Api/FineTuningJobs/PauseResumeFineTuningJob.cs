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
        var now = await DatabaseClock.NowAsync(db, ct);
        // Not held by a live worker: pause it here, in one conditional update that takes the job over (a new lease
        // generation), so a worker that only lost touch cannot write again.
        var direct = await JobTransitions.MoveAsync(db, job.Id, JobStatus.Paused, ct,
            s => s.SetProperty(j => j.LeaseOwner, (string?)null).SetProperty(j => j.LeaseExpiresAt, (long?)null)
                .SetProperty(j => j.LeaseGeneration, j => j.LeaseGeneration + 1),
            JobTransitions.Unheld(now));
        if (direct)
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
        var resumed = await JobTransitions.MoveAsync(db, job.Id, JobStatus.Queued, ct,
            s => s.SetProperty(j => j.PauseRequested, false), j => j.Status == JobStatus.Paused);
        if (!resumed)
            throw new ApiException(400, $"Job {job.Id} is {job.Status}; only a paused job can be resumed.", "job_id", "job_not_paused");
        db.JobEvents.Add(JobEvents.Message(job.Id, "The job was resumed and is queued again."));
        await db.SaveChangesAsync(ct);
        await JobDispatch.DispatchAsync(db, dispatcher, job.Id, ct);
        return FineTuningJobResponse.From(await FineTuningJobsApi.FindOwnedAsync(db, job.Id, owner, ct));
    }
}
