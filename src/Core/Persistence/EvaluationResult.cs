namespace TuningService.Core.Persistence;

/// <summary>
/// One evaluation of one model on one dataset: the metrics (overall and per task) and sample generations, as JSON.
/// A job's report is the set of its rows; a base model's row on a file is also kept under <see cref="CacheKey"/>
/// so that the next job on the same base model and data does not evaluate it again.
/// </summary>
public sealed class EvaluationResult
{
    public required string Id { get; init; }

    /// <summary>The job this row belongs to; null for a cached base-model row.</summary>
    public string? JobId { get; init; }

    /// <summary>Identifies a base-model evaluation (model, data and settings) for reuse; null when not reusable.</summary>
    public string? CacheKey { get; init; }

    /// <summary>The model evaluated (a base model id, a fine-tuned model id, or a checkpoint id).</summary>
    public required string Model { get; init; }

    /// <summary>base, fine_tuned, icl or checkpoint.</summary>
    public required string Subject { get; init; }

    /// <summary>For a checkpoint: its step.</summary>
    public int? Step { get; init; }

    /// <summary>test, validation or retention.</summary>
    public required string DatasetRole { get; init; }

    /// <summary>A file id, or the name of a built-in dataset (e.g. the default retention set).</summary>
    public required string DatasetId { get; init; }

    /// <summary>The metrics and samples (JSON).</summary>
    public required string ReportJson { get; init; }

    public long CreatedAt { get; init; }
}
