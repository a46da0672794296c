using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Api.Models;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.FineTuningJobs;

/// <summary>A job's checkpoints (newest first) and the download of one as a tar of its Hugging Face folder.</summary>
public static class JobCheckpointsEndpoint
{
    public static async Task<ListResponse<JobCheckpointResponse>> List(string job_id, HttpContext http, TuningDbContext db,
        string? after, int? limit, CancellationToken ct)
    {
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, Caller.From(http).Owner, ct);
        var take = ListResponse.Limit(limit, 10, 100);
        var query = db.Checkpoints.AsNoTracking().Where(c => c.JobId == job.Id);
        if (after is not null)
        {
            var cursor = await db.Checkpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Id == after && c.JobId == job.Id, ct)
                ?? throw ApiException.BadRequest($"after: no checkpoint '{after}' in job {job.Id}.", "after");
            query = query.Where(c => c.StepNumber < cursor.StepNumber);
        }
        var page = await query.OrderByDescending(c => c.StepNumber).Take(take + 1).ToListAsync(ct);
        var data = page.Take(take).Select(JobCheckpointResponse.From).ToList();
        return ListResponse.Of(data, page.Count > take, c => c.Id);
    }

    public static async Task Download(string job_id, string checkpoint_id, string? variant, HttpContext http, TuningDbContext db, DataPaths paths,
        ArtifactMirror mirror, CancellationToken ct)
    {
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, Caller.From(http).Owner, ct);
        var checkpoint = await db.Checkpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Id == checkpoint_id && c.JobId == job.Id, ct)
            ?? throw ApiException.NotFound("checkpoint", checkpoint_id, "checkpoint_id");
        // Trained on another machine: streamed from the artifact store, not fetched to disk first.
        await ModelArchive.WriteVariantAsync(http, mirror, paths, checkpoint.RelativePath, $"{job.Id}-step-{checkpoint.StepNumber}", variant,
            DateTimeOffset.FromUnixTimeSeconds(checkpoint.CreatedAt), ct);
    }
}

public sealed record JobCheckpointResponse(string Id, long CreatedAt, string FineTunedModelCheckpoint, string FineTuningJobId,
    int StepNumber, JsonElement Metrics)
{
    public string Object => "fine_tuning.job.checkpoint";

    public static JobCheckpointResponse From(JobCheckpoint c) => new(c.Id, c.CreatedAt, c.FineTunedModelCheckpoint, c.JobId,
        c.StepNumber, JsonDocument.Parse(c.MetricsJson).RootElement.Clone());
}
