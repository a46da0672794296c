using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Common;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// A job that no worker holds is cancelled here at once. A running job gets a flag that its worker polls about
/// once a second; this call waits a few seconds for the worker to stop so that the answer shows `cancelled`.
/// </summary>
public static class CancelFineTuningJob
{
    static readonly TimeSpan WaitForWorker = TimeSpan.FromSeconds(10);

    public static async Task<FineTuningJobResponse> Handle(string job_id, HttpContext http, TuningDbContext db, CancellationToken ct)
    {
        var owner = Caller.From(http).Owner;
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, owner, ct);
        if (JobStatus.IsTerminal(job.Status))
            throw new ApiException(400, $"Job {job.Id} is already {job.Status} and cannot be cancelled.", "job_id", "job_not_cancellable");

        var now = await DatabaseClock.NowAsync(db, ct);
        var finishedAt = Clock.Now();
        // Not held by a live worker (never started, paused, or its worker died): cancel directly, in one conditional
        // update that takes the job over (a new lease generation), so a worker that only lost touch cannot write again.
        var direct = await JobTransitions.MoveAsync(db, job.Id, JobStatus.Cancelled, ct,
            s => s.SetProperty(j => j.FinishedAt, finishedAt).SetProperty(j => j.CancelRequested, true)
                .SetProperty(j => j.LeaseGeneration, j => j.LeaseGeneration + 1),
            j => j.LeaseOwner == null || j.LeaseExpiresAt < now);
        if (direct)
        {
            db.JobEvents.Add(JobEvents.Message(job.Id, job.Status switch
            {
                JobStatus.Running => "Job cancelled; its worker had stopped renewing its lease, so nothing it may still do is recorded.",
                JobStatus.Paused => "Job cancelled while paused.",
                _ => "Job cancelled before training started.",
            }));
            await db.SaveChangesAsync(ct);
        }
        else
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct);
            await WorkerAcknowledgement.WaitUntilStoppedAsync(db, job.Id, WaitForWorker, ct);
        }
        return FineTuningJobResponse.From(await FineTuningJobsApi.FindOwnedAsync(db, job.Id, owner, ct));
    }
}
