using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// GET /v1/fine_tuning/jobs/{id}/evaluation/plots/{name}.png: loss_curves, before_after or forgetting as a PNG;
/// 404 for another name, or while the job has nothing to draw in it yet.
/// </summary>
public static class JobEvaluationPlotsEndpoint
{
    public static async Task<IResult> Handle(string job_id, string name, HttpContext http, TuningDbContext db, TuningOptions options, CancellationToken ct)
    {
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, Caller.From(http).Owner, ct);
        if (!JobEvaluationPlots.Names.Contains(name))
            throw new ApiException(404, $"No plot named '{name}'; the plots are {string.Join(", ", JobEvaluationPlots.Names)}.", "name", "not_found");
        var points = await db.Metrics.AsNoTracking().Where(m => m.JobId == job.Id).OrderBy(m => m.Step).ToListAsync(ct);
        var report = await JobEvaluationEndpoint.ReportAsync(db, job, options, ct);
        var png = JobEvaluationPlots.Render(name, points, report)
            ?? throw new ApiException(404, $"The plot '{name}' of job {job.Id} has nothing to show yet ({report.Message})", "name", "plot_not_ready");
        return Results.File(png, "image/png");
    }
}
