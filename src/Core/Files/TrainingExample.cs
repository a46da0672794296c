namespace TuningService.Core.Files;

/// <summary>
/// One supervised example: the model reads <paramref name="Prompt"/> and learns to produce
/// <paramref name="Completion"/>. <paramref name="Task"/> is the record's optional 'task' key (for per-task metrics).
/// A preference pair (DPO) has the preferred answer as its completion and the other in <see cref="Rejected"/>.
/// </summary>
public sealed record TrainingExample(string Prompt, string Completion, string? Task = null)
{
    /// <summary>
    /// The whole sequence as a chat template rendered it, in order, with the parts to learn marked, when the example
    /// came from a model's own chat template. Training then tokenizes these (no BOS or EOS added: the template writes
    /// its own) instead of Prompt + Completion + EOS; <see cref="Prompt"/> (the conversation up to the last answer,
    /// with the generation prompt) and <see cref="Completion"/> (that answer's content) stay for evaluation.
    /// </summary>
    public IReadOnlyList<TextSegment>? Segments { get; init; }

    /// <summary>For a preference pair, the non-preferred answer to the same prompt; null otherwise.</summary>
    public string? Rejected { get; init; }

    /// <summary>A preference pair's non-preferred sequence as the chat template rendered it (see <see cref="Segments"/>).</summary>
    public IReadOnlyList<TextSegment>? RejectedSegments { get; init; }

    /// <summary>A preference pair's non-preferred side as an example of its own (same prompt), for tokenization.</summary>
    public TrainingExample RejectedExample => Rejected is { } rejected
        ? new TrainingExample(Prompt, rejected, Task) { Segments = RejectedSegments }
        : throw new InvalidOperationException("Only a preference pair has a non-preferred answer.");
}
