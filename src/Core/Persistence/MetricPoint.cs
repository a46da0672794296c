namespace TuningService.Core.Persistence;

/// <summary>One training step's metrics; validation figures are set on the steps where validation ran.</summary>
public sealed class MetricPoint
{
    public required string JobId { get; init; }
    public int Step { get; init; }
    public int Epoch { get; init; }
    public double TrainLoss { get; init; }
    public double TrainMeanTokenAccuracy { get; init; }
    public double LearningRate { get; init; }
    public double TokensPerSecond { get; init; }
    public double? ValidLoss { get; set; }
    public double? ValidMeanTokenAccuracy { get; set; }

    /// <summary>Multi-task jobs, at epoch ends: each task's train and validation loss and accuracy (JSON).</summary>
    public string? PerTaskJson { get; set; }

    /// <summary>DPO jobs: the step's rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies, logps/chosen
    /// and logps/rejected, and the same with a "valid_" prefix where validation ran (a JSON object of numbers).</summary>
    public string? PreferenceJson { get; set; }
    public long CreatedAt { get; init; }
}
