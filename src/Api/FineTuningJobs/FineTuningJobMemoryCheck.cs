using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.FineTuning;
using TuningService.Core.FineTuning.DryRun;
using TuningService.Core.FineTuning.Memory;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// Refuses, at create time, a job whose memory plan does not fit the worker (Tuning:WorkerMemoryBytes): a 400 with
/// the estimate, the limit and the settings that would fit, instead of a worker the kernel kills. The plan reads and
/// tokenizes the job's data as the job will (the tokens are cached for it), so it sees the longest batch.
/// </summary>
public static class FineTuningJobMemoryCheck
{
    /// <summary>Never measures throughput: the planner's calibrator is only used by a dry run's duration estimate.</summary>
    static readonly TrainingThroughputCalibrator UnusedCalibrator = new();

    public static async Task EnsureFitsAsync(FineTuningJob job, CreateFineTuningJobRequest request, RequestedHyperparameters requested, HttpContext http,
        TuningDbContext db, ModelCatalog catalog, CancellationToken ct)
    {
        if (await catalog.FindLocalAsync(db, job.Model, job.Owner, ct) is not { } model) return;
        var services = http.RequestServices;
        await MirrorFilesAsync(job, services, db, ct);
        var planner = Planner(services, UnusedCalibrator);
        if (await planner.PlanMemoryAsync(db, job, model, ct) is not { Fits: false } plan) return;
        throw ApiException.BadRequest(Message(plan), ParamOf(plan.SuggestionParam, request, requested), "insufficient_memory");
    }

    /// <summary>The estimate, the limit, the largest terms and what would fit, in words a person can act on.</summary>
    public static string Message(MemoryPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var largest = plan.Estimate.PeakPhase == "training" ? plan.Estimate.Training : plan.Estimate.Loading;
        return $"This job would need about {MemoryPlanner.GiB(plan.Estimate.PeakBytes)} of memory at its peak ({plan.Estimate.PeakPhase}: " +
               string.Join(", ", largest.OrderByDescending(t => t.Bytes).Take(4).Select(t => $"{t.Name} {MemoryPlanner.GiB(t.Bytes)}")) +
               $"), more than the worker's {MemoryPlanner.GiB(plan.LimitBytes)} (Tuning:WorkerMemoryBytes). {plan.Suggestion} " +
               "A dry run (\"dry_run\": true) shows the whole estimate.";
    }

    /// <summary>The hyperparameter to change, spelled where the request put its hyperparameters.</summary>
    static string ParamOf(string? name, CreateFineTuningJobRequest request, RequestedHyperparameters requested)
    {
        if (name is null or "model") return "model";
        var prefix = requested.IsPreference ? "method.dpo.hyperparameters"
            : request.Hyperparameters is not null ? "hyperparameters" : "method.supervised.hyperparameters";
        return $"{prefix}.{name}";
    }

    /// <summary>The job's files uploaded through another machine come from the artifact store first.</summary>
    public static async Task MirrorFilesAsync(FineTuningJob job, IServiceProvider services, TuningDbContext db, CancellationToken ct)
    {
        var mirror = services.GetRequiredService<ArtifactMirror>();
        var ids = JobTrainingConfiguration.FileIds(job);
        foreach (var relative in await db.Files.AsNoTracking().Where(f => ids.Contains(f.Id)).Select(f => f.RelativePath).ToListAsync(ct))
            await mirror.EnsureLocalFileAsync(relative, ct);
    }

    public static DryRunPlanner Planner(IServiceProvider services, TrainingThroughputCalibrator calibrator) =>
        new(services.GetRequiredService<DataPaths>(), services.GetRequiredService<TokenizedDatasetCache>(),
            services.GetRequiredService<ModelSizes>(), calibrator, services.GetRequiredService<TuningOptions>());
}
