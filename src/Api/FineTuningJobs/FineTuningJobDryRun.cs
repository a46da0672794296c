using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.FineTuning.DryRun;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// "dry_run": true on POST /v1/fine_tuning/jobs. The create runs every check it always runs and builds the job; this
/// plans that job (DryRunPlanner) instead of inserting and dispatching it. What would only fail once a worker read
/// the data (unreadable records, nothing to learn, packing an encoder-decoder model) is answered 400 code
/// job_would_fail here, where the real create would queue a job that then fails.
/// </summary>
public static class FineTuningJobDryRun
{
    /// <summary>
    /// Calibrations load a model and train it for a few steps: their results are kept for the process's life. A
    /// process-wide instance rather than a registered service: its key names all a measurement depends on.
    /// </summary>
    static readonly TrainingThroughputCalibrator Calibrator = new();

    public static async Task<IResult> AnswerAsync(FineTuningJob job, HttpContext http, TuningDbContext db, ModelCatalog catalog, CancellationToken ct)
    {
        var model = await catalog.FindLocalAsync(db, job.Model, job.Owner, ct)
            ?? throw new ApiException(400, $"Model '{job.Model}' does not exist or you do not have access to it.", "model", "model_not_found");
        await FineTuningJobMemoryCheck.MirrorFilesAsync(job, http.RequestServices, db, ct);
        var planner = FineTuningJobMemoryCheck.Planner(http.RequestServices, Calibrator);
        try
        {
            var plan = await planner.PlanAsync(db, job, model, ct);
            return Results.Ok(FineTuningJobDryRunResponse.From(job, plan));
        }
        catch (JobWouldFailException e)
        {
            throw ApiException.BadRequest(e.Message, e.Param, "job_would_fail");
        }
    }
}
