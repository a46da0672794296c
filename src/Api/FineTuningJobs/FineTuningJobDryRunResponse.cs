using TuningService.Core.Datasets.Statistics;
using TuningService.Core.FineTuning;
using TuningService.Core.FineTuning.DryRun;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// The answer to POST /v1/fine_tuning/jobs with "dry_run": true (extension): the job as the worker would run it,
/// nothing queued. Hyperparameters are resolved ("auto" replaced) as the worker resolves them; steps are counted by
/// the trainer's own code; the duration comes from a measured throughput, named by <see cref="EstimateSource"/>
/// ("finished_jobs" or "calibration"), and covers the optimizer steps only (not loading, evaluation or checkpoints).
/// </summary>
public sealed record FineTuningJobDryRunResponse(
    string Model, string TrainingFile, string? ValidationFile, int Seed, HyperparametersResponse Hyperparameters,
    IReadOnlyList<string> HyperparameterNotes, int TrainingExamples, int ValidationExamples, int HeldOutForValidation, int HeldOutForTest,
    long TrainedTokensPerEpoch, long TrainedTokens, int StepsPerEpoch, int TotalSteps, int TruncatedExamples, int MaxSeqLength,
    IReadOnlyList<TaskCount> Tasks, IReadOnlyList<string> Warnings, IReadOnlyList<string> Notes,
    double EstimatedDurationSeconds, string EstimateSource, double EstimateTokensPerSecond, string EstimateDetail)
{
    public string Object => "fine_tuning.job.dry_run";
    public bool DryRun => true;

    /// <summary>The memory plan: the estimated peak and its terms, the limit, and the settings chosen; null when the model's
    /// shapes cannot be read without loading it (PyTorch pickles).</summary>
    public MemoryPlanResponse? Memory { get; init; }

    /// <param name="job">The job the create built and did not insert; its resolved values are filled in here.</param>
    /// <param name="plan">What the planner worked out for it.</param>
    public static FineTuningJobDryRunResponse From(FineTuningJob job, DryRunPlan plan)
    {
        // The hyperparameters in the shape a job shows once training started, from the same response code.
        job.NEpochs = plan.Hyperparameters.NEpochs;
        job.BatchSize = plan.Hyperparameters.BatchSize;
        job.LearningRateMultiplier = plan.Hyperparameters.LearningRateMultiplier;
        job.LearningRate = plan.Hyperparameters.LearningRate;
        var shown = FineTuningJobResponse.From(job);
        return new FineTuningJobDryRunResponse(job.Model, job.TrainingFileId, job.ValidationFileId, job.Seed, shown.Hyperparameters,
            plan.Explanations, plan.TrainingExamples, plan.ValidationExamples, plan.HeldOutForValidation, plan.HeldOutForTest,
            plan.TrainedTokensPerEpoch, plan.TrainedTokens, plan.StepsPerEpoch, plan.TotalSteps, plan.TruncatedExamples, plan.MaxSeqLength,
            plan.Tasks, plan.Warnings, plan.Notes, plan.Estimate.Seconds, plan.Estimate.Source, plan.Estimate.TokensPerSecond, plan.Estimate.Detail)
        {
            Memory = plan.Memory is { } memory ? MemoryPlanResponse.From(memory) : null,
        };
    }
}
