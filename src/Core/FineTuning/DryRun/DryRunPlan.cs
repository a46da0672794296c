using TuningService.Core.Datasets.Statistics;

namespace TuningService.Core.FineTuning.DryRun;

/// <summary>
/// What a job would do, worked out as the worker will work it out, without queuing anything.
/// </summary>
/// <param name="Hyperparameters">"auto" resolved as HyperparameterResolver resolves it for this many examples.</param>
/// <param name="Explanations">Why each "auto" took its value (the lines the job's events will carry).</param>
/// <param name="TrainingExamples">Examples per epoch (after mixing, and after what validation_split/test_split hold out).</param>
/// <param name="ValidationExamples">From validation files, or held out by validation_split.</param>
/// <param name="HeldOutForValidation">Records validation_split takes from the training file (the job's own seeded, stratified split).</param>
/// <param name="HeldOutForTest">Records test_split takes from the training file (evaluated before and after training, not trained on).</param>
/// <param name="TrainedTokensPerEpoch">As the job counts trained_tokens: sequence tokens (decoder-only) or encoder input tokens (encoder-decoder).</param>
/// <param name="TrainedTokens">All epochs: what the job will report as trained_tokens.</param>
/// <param name="StepsPerEpoch">Optimizer steps of the first epoch (with packing, later epochs may differ by a step).</param>
/// <param name="TotalSteps">Optimizer steps of the whole run, as the trainer counts them for its schedule.</param>
/// <param name="TruncatedExamples">Training examples longer than <paramref name="MaxSeqLength"/> (prompt start dropped first).</param>
/// <param name="Tasks">Training examples and tokens per task, before mixing (after any held-out shares).</param>
/// <param name="Notes">What the data builder says about the files (the job's events will carry the same lines).</param>
public sealed record DryRunPlan(
    ResolvedHyperparameters Hyperparameters,
    IReadOnlyList<string> Explanations,
    int TrainingExamples,
    int ValidationExamples,
    int HeldOutForValidation,
    int HeldOutForTest,
    long TrainedTokensPerEpoch,
    long TrainedTokens,
    int StepsPerEpoch,
    int TotalSteps,
    int TruncatedExamples,
    int MaxSeqLength,
    IReadOnlyList<TaskCount> Tasks,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes,
    DurationEstimate Estimate)
{
    /// <summary>The memory plan (estimate, limit, choices); null when the model's shapes could not be read (PyTorch pickles).</summary>
    public Memory.MemoryPlan? Memory { get; init; }
}
