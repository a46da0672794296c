namespace TuningService.Core.Persistence;

/// <summary>A saved model of a job at one step: a Hugging Face-format folder under the data directory.</summary>
public sealed class JobCheckpoint
{
    public required string Id { get; init; }
    public required string JobId { get; init; }
    public long CreatedAt { get; init; }
    public int StepNumber { get; init; }
    public required string FineTunedModelCheckpoint { get; init; }
    public required string MetricsJson { get; init; }
    public required string RelativePath { get; init; }
}
