namespace TuningService.Core.Generation;

/// <summary>How <see cref="TextGenerator"/> continues prompts. Defaults follow OpenAI's completions API.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most new tokens per prompt (a stop token counts). Prompt + this must fit the model's context.</summary>
    public int MaxNewTokens { get; init; } = 16;

    /// <summary>Softmax temperature; 0 = greedy (argmax, no randomness; TopP/TopK/Seed are then ignored).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Nucleus sampling: keep the most likely tokens whose probabilities sum to TopP (0 &lt; TopP ≤ 1).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Sample among the K most likely tokens only (≥ 1); null = no limit.</summary>
    public int? TopK { get; init; }

    /// <summary>Seeds the sampler: the same request with the same seed produces the same tokens. Null = random.</summary>
    public long? Seed { get; init; }

    /// <summary>Ids that end a completion when produced (never part of the output). Null = the tokenizer's EOS
    /// (none when it has no EOS); empty = only the token budget and stop sequences end it.</summary>
    public IReadOnlyList<int>? StopTokenIds { get; init; }

    /// <summary>Strings that end a completion as soon as the decoded text contains one; the text is cut before it
    /// (OpenAI's `stop`). The earliest match wins.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>Decode incrementally with the model's key/value cache when it has one; false recomputes the whole
    /// sequence every step (same tokens, slower; a reference for the cache).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Null = no logprobs. Otherwise each completion token gets its log-probability and this many most
    /// likely alternatives (0 = the chosen token only).</summary>
    public int? Logprobs { get; init; }
}
