using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>GET /v1/fine_tuning/jobs/{id}/events: newest first; `after` is an event id, older events follow it.</summary>
public static class JobEventsEndpoint
{
    const string Prefix = "ftevent-";

    public static async Task<ListResponse<JobEventResponse>> Handle(string job_id, HttpContext http, TuningDbContext db,
        string? after, int? limit, CancellationToken ct)
    {
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, Caller.From(http).Owner, ct);
        var take = ListResponse.Limit(limit, 20, 1000);
        var query = db.JobEvents.AsNoTracking().Where(e => e.JobId == job.Id);
        if (after is not null)
        {
            if (!after.StartsWith(Prefix, StringComparison.Ordinal) || !long.TryParse(after.AsSpan(Prefix.Length), out var cursor))
                throw ApiException.BadRequest($"after must be an event id such as '{Prefix}42', got '{after}'.", "after");
            query = query.Where(e => e.Id < cursor);
        }
        var page = await query.OrderByDescending(e => e.Id).Take(take + 1).ToListAsync(ct);
        var data = page.Take(take).Select(JobEventResponse.From).ToList();
        return ListResponse.Of(data, page.Count > take, e => e.Id);
    }
}

public sealed record JobEventResponse(string Id, long CreatedAt, string Level, string Message, string Type, JsonElement? Data)
{
    public string Object => "fine_tuning.job.event";

    public static JobEventResponse From(JobEvent e) => new(
        $"ftevent-{e.Id}", e.CreatedAt, e.Level, e.Message, e.Type,
        e.DataJson is null ? null : JsonDocument.Parse(e.DataJson).RootElement.Clone());
}
