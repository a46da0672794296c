using TuningService.Core.Models;

namespace TuningService.Core.Generation;

/// <summary>Checks a generation request up front, so that a bad one fails with an ArgumentException (HTTP 400).</summary>
internal static class GenerationArguments
{
    public static void Validate(CausalLanguageModel model, IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ValidateRequest(prompts, options, model.VocabSize);
        for (var i = 0; i < prompts.Count; i++)
            ValidatePrompt(prompts[i], prompts.Count == 1 ? "The prompt" : $"Prompt {i}", model, options.MaxNewTokens);
    }

    public static void ValidateSeq2Seq(Seq2SeqLanguageModel model, IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
    {
        ValidateRequest(prompts, options, model.VocabSize);
        for (var i = 0; i < prompts.Count; i++)
            if (prompts[i] is null || prompts[i].Count == 0 || prompts[i].Any(id => id < 0 || id >= model.VocabSize))
                throw new ArgumentException($"Prompt {i} must hold at least one token id in 0..{model.VocabSize - 1}.", nameof(prompts));
    }

    private static void ValidateRequest(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentNullException.ThrowIfNull(options);
        if (prompts.Count == 0)
            throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        ValidateOptions(options, vocabSize);
    }

    private static void ValidateOptions(GenerationOptions options, int vocabSize)
    {
        if (options.MaxNewTokens < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxNewTokens, "MaxNewTokens must not be negative.");
        if (!(options.Temperature >= 0) || double.IsInfinity(options.Temperature))
            throw new ArgumentOutOfRangeException(nameof(options), options.Temperature, "Temperature must be a finite number ≥ 0.");
        if (!(options.TopP > 0 && options.TopP <= 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.TopP, "TopP must be greater than 0 and at most 1.");
        if (options.TopK is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.TopK, "TopK must be at least 1 (or null for no limit).");
        if (options.Logprobs is { } top && (top < 0 || top > vocabSize))
            throw new ArgumentOutOfRangeException(nameof(options), top, $"Logprobs must be between 0 and the vocabulary size ({vocabSize}).");
        ArgumentNullException.ThrowIfNull(options.StopSequences, nameof(options));
        if (options.StopSequences.Any(string.IsNullOrEmpty))
            throw new ArgumentException("Stop sequences must not be empty.", nameof(options));
    }

    private static void ValidatePrompt(IReadOnlyList<int>? prompt, string which, CausalLanguageModel model, int maxNewTokens)
    {
        if (prompt is null || prompt.Count == 0)
            throw new ArgumentException($"{which} has no tokens; it needs at least one (BOS, if the model uses one).", "prompts");
        if (prompt.Any(id => (uint)id >= (uint)model.VocabSize))
            throw new ArgumentException($"{which} contains a token id outside the model's vocabulary of {model.VocabSize}.", "prompts");
        if (prompt.Count + maxNewTokens > model.MaxPositions)
            throw new ArgumentException(
                $"{which} has {prompt.Count} tokens; with {maxNewTokens} new tokens that is {prompt.Count + maxNewTokens}, " +
                $"more than the model's context of {model.MaxPositions} tokens.", "prompts");
    }
}
