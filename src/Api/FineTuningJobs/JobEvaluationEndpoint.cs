using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Configuration;
using TuningService.Core.Evaluation;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// GET /v1/fine_tuning/jobs/{id}/evaluation: the job's evaluation report (base vs ICL vs fine-tuned on the test data,
/// forgetting on the retention data, every checkpoint's trade-off). Answers 200 with <c>status</c> not_started
/// before anything ran, so a client can poll it like the job.
/// </summary>
public static class JobEvaluationEndpoint
{
    public static async Task<IResult> Handle(string job_id, HttpContext http, TuningDbContext db, TuningOptions options, CancellationToken ct)
    {
        var job = await FineTuningJobsApi.FindOwnedAsync(db, job_id, Caller.From(http).Owner, ct);
        // Reports carry NaN where a task had no labelled tokens: evaluation's own JSON options write it.
        return Results.Json(await ReportAsync(db, job, options, ct), EvaluationJson.Options);
    }

    public static async Task<JobEvaluationReport> ReportAsync(TuningDbContext db, FineTuningJob job, TuningOptions options, CancellationToken ct)
    {
        var rows = await db.Evaluations.AsNoTracking().Where(e => e.JobId == job.Id).ToListAsync(ct);
        return JobEvaluationReportBuilder.Build(job, rows, EvaluationSettings.Default with { MaxGeneratedExamples = options.EvaluationMaxGeneratedExamples });
    }
}
