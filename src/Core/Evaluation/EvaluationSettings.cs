namespace TuningService.Core.Evaluation;

/// <summary>
/// What an evaluation costs and how it generates. Teacher-forced metrics always cover every example; generation,
/// the slow part, covers at most <see cref="MaxGeneratedExamples"/> of them, and the report says how many.
/// </summary>
public sealed record EvaluationSettings
{
    public static EvaluationSettings Default { get; } = new();

    /// <summary>Examples of a dataset evaluated by generation (taken round-robin across its tasks, in file order).</summary>
    public int MaxGeneratedExamples { get; init; } = 200;

    /// <summary>Token ids that end a generated answer besides the tokenizer's EOS: a chat template's end-of-turn tokens
    /// (Llama 3 ends turns with &lt;|eot_id|&gt;, not its EOS), or null for EOS alone.</summary>
    public IReadOnlyList<int>? StopTokenIds { get; init; }

    /// <summary>
    /// Most new tokens per prompt. A task's budget is its longest reference plus EOS, so a model must stop to match;
    /// this cap keeps one long reference from making every prompt of a task generate for long.
    /// </summary>
    public int MaxNewTokensCap { get; init; } = 64;

    /// <summary>Examples per forward pass (teacher-forced) and prompts per generation batch.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Generations kept per task as side-by-side samples.</summary>
    public int SamplesPerTask { get; init; } = 3;

    /// <summary>Everything above that changes results, for cache keys (the batch size does not change them).</summary>
    public string Fingerprint => $"generated={MaxGeneratedExamples};max_new_tokens_cap={MaxNewTokensCap};samples={SamplesPerTask}";
}
