using TuningService.Core.Models;
using TuningService.Core.Tokenization;
using static TorchSharp.torch;

namespace TuningService.Core.Generation;

/// <summary>
/// Continues prompts with a decoder-only model: greedy or sampled (temperature, top-k, top-p, seed), stop tokens and
/// stop sequences, optional logprobs, token-by-token callbacks for streaming. Several prompts run as one batch (left
/// padded and masked when their lengths differ), and each completion equals what the prompt would give alone
/// (exactly for greedy; sampling draws from one generator for the whole batch).
/// </summary>
public static class TextGenerator
{
    /// <param name="model">Run in eval mode without gradients; left in the mode it was in. Not safe to call
    /// concurrently with training the same instance.</param>
    /// <param name="tokenizer">Decodes completions; its EOS is the default stop token.</param>
    /// <param name="prompts">Token ids per prompt, special tokens included (BOS when <see cref="ITextTokenizer.AddBos"/>).</param>
    /// <param name="onToken">Called with (prompt index, token) for each token as soon as it is chosen.</param>
    /// <returns>One output per prompt, in prompt order.</returns>
    /// <exception cref="ArgumentException">A bad option, an empty prompt, an id outside the vocabulary, or a prompt
    /// plus <see cref="GenerationOptions.MaxNewTokens"/> longer than <see cref="CausalLanguageModel.MaxPositions"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="ct"/> was cancelled (checked every token).</exception>
    public static IReadOnlyList<GenerationOutput> Generate(CausalLanguageModel model, ITextTokenizer tokenizer,
        IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options,
        Action<int, GeneratedToken>? onToken = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Run(model, tokenizer, prompts, options, onToken, ct);
    }

    /// <summary>As <see cref="Generate"/>; without a tokenizer the outputs carry ids only (no text).</summary>
    internal static IReadOnlyList<GenerationOutput> Run(CausalLanguageModel model, ITextTokenizer? tokenizer,
        IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, Action<int, GeneratedToken>? onToken, CancellationToken ct)
    {
        GenerationArguments.Validate(model, prompts, options);
        if (tokenizer is null && options.StopSequences.Count > 0)
            throw new ArgumentException("Stop sequences need a tokenizer.", nameof(options));
        var stopTokenIds = (options.StopTokenIds ?? (tokenizer?.EosId is { } eos ? [eos] : [])).ToHashSet();
        var outputs = new GenerationOutput[prompts.Count];
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var device = model.parameters().First().device;
            foreach (var batch in Batches(model, prompts))
            {
                var rows = batch.Select(i => new CompletionState(i, prompts[i], tokenizer is null ? null : new CompletionText(tokenizer, prompts[i]),
                    stopTokenIds, options.StopSequences, options.Logprobs is not null)).ToArray();
                using var scorer = new CausalScorer(model, batch.Select(i => prompts[i]).ToArray(), options.UseCache, device);
                using var sampler = new TokenSampler(options, device);
                DecodingLoop.Run(scorer, rows, sampler, options.Logprobs, options.MaxNewTokens, onToken, ct);
                foreach (var row in rows)
                    outputs[row.PromptIndex] = row.ToOutput();
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return outputs;
    }

    /// <summary>
    /// Generates with an encoder-decoder model (T5): each prompt is the encoder's input (special tokens included,
    /// e.g. a trailing EOS), and the completion is what the decoder writes from its start token. Options and outputs
    /// as for decoder-only models; the prompt and the completion do not share a context window.
    /// </summary>
    public static IReadOnlyList<GenerationOutput> Generate(Seq2SeqLanguageModel model, ITextTokenizer tokenizer,
        IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options,
        Action<int, GeneratedToken>? onToken = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return Run(model, tokenizer, prompts, options, onToken, ct);
    }

    /// <summary>As the seq2seq <see cref="Generate(Seq2SeqLanguageModel, ITextTokenizer, IReadOnlyList{IReadOnlyList{int}}, GenerationOptions, Action{int, GeneratedToken}?, CancellationToken)"/>; without a tokenizer the outputs carry ids only.</summary>
    internal static IReadOnlyList<GenerationOutput> Run(Seq2SeqLanguageModel model, ITextTokenizer? tokenizer,
        IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options, Action<int, GeneratedToken>? onToken, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(model);
        GenerationArguments.ValidateSeq2Seq(model, prompts, options);
        if (tokenizer is null && options.StopSequences.Count > 0)
            throw new ArgumentException("Stop sequences need a tokenizer.", nameof(options));
        var stopTokenIds = (options.StopTokenIds ?? (tokenizer?.EosId is { } eos ? [eos] : [])).ToHashSet();
        var wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            var device = model.parameters().First().device;
            // The completion is decoded on its own: the prompt is the encoder's, not text the completion continues.
            var rows = prompts.Select((p, i) => new CompletionState(i, p, tokenizer is null ? null : new CompletionText(tokenizer, []),
                stopTokenIds, options.StopSequences, options.Logprobs is not null)).ToArray();
            using var scorer = new Seq2SeqScorer(model, prompts, options.UseCache, device);
            using var sampler = new TokenSampler(options, device);
            DecodingLoop.Run(scorer, rows, sampler, options.Logprobs, options.MaxNewTokens, onToken, ct);
            return rows.Select(r => r.ToOutput()).ToList();
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>All prompts in one batch when the model masks left padding; otherwise one batch per prompt length.</summary>
    private static IEnumerable<int[]> Batches(CausalLanguageModel model, IReadOnlyList<IReadOnlyList<int>> prompts) =>
        model.SupportsLeftPadding
            ? [Enumerable.Range(0, prompts.Count).ToArray()]
            : Enumerable.Range(0, prompts.Count).GroupBy(i => prompts[i].Count).Select(lengthGroup => lengthGroup.ToArray());
}
