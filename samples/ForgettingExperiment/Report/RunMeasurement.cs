namespace TuningService.Samples.ForgettingExperiment.Report;

/// <summary>
/// One run's figures for the table and chart, read from the service's answers. Null where the service did not report
/// a figure (a failed job, a metric the evaluation did not produce).
/// </summary>
/// <param name="Chance">The task's accuracy without the skill (<see cref="Runs.TargetTask.Chance"/>).</param>
/// <param name="TestRecords">Test examples the accuracy is over.</param>
public sealed record RunMeasurement(
    string Task, double Chance, string Name, string Description, string JobId, string Status, string? Error,
    long? TrainableParameters, long? TotalParameters, int? Epochs, int? Steps, double? LearningRate, long? TrainedTokens,
    double? TrainingSeconds, double WallSeconds,
    int? TestRecords, BeforeAfter? Accuracy, BeforeAfter? MacroF1, BeforeAfter? RetentionPerplexity, string? RetentionSet,
    double? IclAccuracy, IclPrompting? Icl, IReadOnlyList<SampleGeneration> Samples)
{
    /// <summary>"SST-2: LoRA": the task and the run, for the chart.</summary>
    public string Label => $"{Task}: {Name}";

    /// <summary>Target-task gain in accuracy points (fine-tuned − base) × 100.</summary>
    public double? GainPoints => Accuracy is { } a ? 100 * (a.After - a.Before) : null;

    /// <summary>
    /// How many standard errors the fine-tuned accuracy lies above chance, the standard error being that of an
    /// accuracy equal to chance over the test set (a binomial proportion): above 2, the run learned more than the format.
    /// </summary>
    public double? StandardErrorsAboveChance => Accuracy is { } a && TestRecords is > 0 and var n
        ? (a.After - Chance) / Math.Sqrt(Chance * (1 - Chance) / n)
        : null;

    /// <summary>Forgetting: retention perplexity fine-tuned − base (positive: the model got worse at its old domain).</summary>
    public double? Forgetting => RetentionPerplexity is { } r ? r.After - r.Before : null;
}

/// <summary>A metric before (the base model) and after fine-tuning.</summary>
public sealed record BeforeAfter(double Before, double After);

/// <summary>How the in-context baseline was prompted: shots asked for, and how many prompts had room for fewer.</summary>
public sealed record IclPrompting(int Shots, int Prompts, int PromptsWithFewerShots, int PromptsWithoutShots, double MeanShotsUsed);

/// <summary>One test prompt with the expected label and what the base model, the ICL baseline and this run generated.</summary>
public sealed record SampleGeneration(string Prompt, string Expected, string? Base, string? Icl, string? FineTuned);
