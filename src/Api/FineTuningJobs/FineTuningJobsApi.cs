using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Api.Models;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>/v1/fine_tuning/jobs: create, list, retrieve, cancel, events, checkpoints (and their download), metrics.</summary>
public static class FineTuningJobsApi
{
    public static IEndpointRouteBuilder MapFineTuningJobs(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/v1/fine_tuning/jobs").WithTags("Fine-tuning");
        jobs.MapPost("/", CreateFineTuningJob.Handle).WithSummary("Create a fine-tuning job")
            .WithDescription("Starts full fine-tuning of `model` on `training_file`. Send an `Idempotency-Key` header to make retries safe.");
        jobs.MapGet("/", List).WithSummary("List your fine-tuning jobs, newest first (cursor `after`, `limit` default 20)");
        jobs.MapGet("/{job_id}", Retrieve).WithSummary("Get a job: status, progress, hyperparameters, error");
        jobs.MapPost("/{job_id}/cancel", CancelFineTuningJob.Handle).WithSummary("Cancel a job; a running job stops within seconds");
        jobs.MapPost("/{job_id}/pause", PauseResumeFineTuningJob.Pause).WithSummary("Pause a job at a checkpoint (resume continues from it)");
        jobs.MapPost("/{job_id}/resume", PauseResumeFineTuningJob.Resume).WithSummary("Resume a paused job from its checkpoint");
        jobs.MapGet("/{job_id}/events", JobEventsEndpoint.Handle).WithSummary("A job's events, newest first (messages and metrics)");
        jobs.MapGet("/{job_id}/checkpoints", JobCheckpointsEndpoint.List).WithSummary("A job's checkpoints, newest first");
        jobs.MapGet("/{job_id}/checkpoints/{checkpoint_id}/content", JobCheckpointsEndpoint.Download)
            .WithSummary("Download a checkpoint as a tar archive of a Hugging Face-format folder");
        jobs.MapGet("/{job_id}/metrics", JobMetricsEndpoint.Handle)
            .WithSummary("The per-step metrics series (JSON, or CSV with `Accept: text/csv`)");
        jobs.MapGet("/{job_id}/evaluation", JobEvaluationEndpoint.Handle).WithSummary("The job's evaluation: base vs ICL vs fine-tuned, forgetting, checkpoints");
        jobs.MapGet("/{job_id}/evaluation/plots/{name}.png", JobEvaluationPlotsEndpoint.Handle)
            .WithSummary("A PNG of the evaluation: loss_curves, before_after or forgetting");
        return app;
    }

    static async Task<ListResponse<FineTuningJobResponse>> List(HttpContext http, TuningDbContext db, string? after, int? limit, CancellationToken ct)
    {
        var owner = Caller.From(http).Owner;
        var take = ListResponse.Limit(limit, 20, 100);
        IAsyncEnumerable<FineTuningJob> query;
        if (after is null)
            query = JobQueries.Newest.For(db)(db, owner, take + 1);
        else
        {
            var cursor = await JobQueries.Owned.For(db)(db, after, owner, ct) ?? throw ApiException.BadRequest($"after: no job '{after}'.", "after");
            query = JobQueries.After.For(db)(db, owner, cursor.CreatedAt, cursor.Id, take + 1);
        }
        var page = new List<FineTuningJob>(take + 1);
        await foreach (var job in query.WithCancellation(ct)) page.Add(job);
        var data = page.Take(take).Select(FineTuningJobResponse.From).ToList();
        return ListResponse.Of(data, page.Count > take, j => j.Id);
    }

    static async Task<FineTuningJobResponse> Retrieve(string job_id, HttpContext http, TuningDbContext db, CancellationToken ct) =>
        FineTuningJobResponse.From(await FindOwnedAsync(db, job_id, Caller.From(http).Owner, ct));

    public static async Task<FineTuningJob> FindOwnedAsync(TuningDbContext db, string jobId, string owner, CancellationToken ct, bool track = false)
    {
        var job = track
            ? await db.Jobs.FirstOrDefaultAsync(j => j.Id == jobId && j.Owner == owner, ct)
            : await JobQueries.Owned.For(db)(db, jobId, owner, ct);
        return job ?? throw ApiException.NotFound("fine-tuning job", jobId, "job_id");
    }
}
