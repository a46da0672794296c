using System.Text;
using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>GET /v1/fine_tuning/jobs/{id}/metrics: every step's metrics; CSV (Azure's results.csv columns) on request.</summary>
public static class JobMetricsEndpoint
{
    public static async Task<IResult> Handle(string job_id, HttpContext http, TuningDbContext db, CancellationToken ct)
    {
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, Caller.From(http).Owner, ct);
        var points = await db.Metrics.AsNoTracking().Where(m => m.JobId == job.Id).OrderBy(m => m.Step).ToListAsync(ct);
        var wantsCsv = http.Request.Headers.Accept.Any(a => a is not null && a.Contains("text/csv", StringComparison.OrdinalIgnoreCase));
        if (wantsCsv) return Results.Text(MetricsCsv.Write(points), "text/csv", Encoding.UTF8);
        return Results.Ok(new JobMetricsResponse(job.Id, points.Select(MetricPointResponse.From).ToList()));
    }
}

public sealed record JobMetricsResponse(string JobId, IReadOnlyList<MetricPointResponse> Data)
{
    public string Object => "fine_tuning.job.metrics";
}

/// <summary>One step; <c>per_task</c> (multi-task jobs, at epoch ends) holds each task's train and validation figures;
/// <c>preference</c> (DPO jobs) the step's rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies,
/// logps/chosen, logps/rejected, and valid_ ones where validation ran.</summary>
public sealed record MetricPointResponse(int Step, int Epoch, double TrainLoss, double TrainMeanTokenAccuracy, double? ValidLoss,
    double? ValidMeanTokenAccuracy, double LearningRate, double TokensPerSecond, long CreatedAt, System.Text.Json.JsonElement? PerTask,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyDictionary<string, double>? Preference = null)
{
    public static MetricPointResponse From(MetricPoint p) => new(p.Step, p.Epoch, p.TrainLoss, p.TrainMeanTokenAccuracy, p.ValidLoss,
        p.ValidMeanTokenAccuracy, p.LearningRate, p.TokensPerSecond, p.CreatedAt,
        p.PerTaskJson is null ? null : System.Text.Json.JsonDocument.Parse(p.PerTaskJson).RootElement.Clone(),
        p.PreferenceJson is null ? null : System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, double>>(p.PreferenceJson));
}
