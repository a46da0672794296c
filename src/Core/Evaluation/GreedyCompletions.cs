using TuningService.Core.Generation;
using TuningService.Core.Models;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Greedy completions of prompts by the model of a <see cref="TrainingSetup"/>, in batches. Each prompt is laid out
/// as training lays it out (the trainer's example tokenizers with an empty completion: BOS first for decoder-only
/// models, EOS last for encoder-decoder models, the start of the prompt dropped first when it is too long), so the
/// model sees at evaluation exactly the prefix it was trained to continue.
/// </summary>
public static class GreedyCompletions
{
    /// <param name="maxNewTokens">The budget per prompt; a decoder-only model keeps at most half its context for it.</param>
    /// <param name="stopSequences">Strings that end a completion besides EOS (the ICL separator), or none.</param>
    /// <param name="stopTokenIds">The ids that end a completion (a chat template's end-of-turn tokens and EOS), or null for the tokenizer's EOS.</param>
    public static GeneratedCompletions Generate(TrainingSetup setup, ITextTokenizer tokenizer, IReadOnlyList<string> prompts,
        int maxNewTokens, int batchSize, IReadOnlyList<string> stopSequences, CancellationToken ct, IReadOnlyList<int>? stopTokenIds = null)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(prompts);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var causal = setup.Objective.Model as CausalLanguageModel;
        int budget = causal is null ? Math.Max(1, maxNewTokens) : Math.Clamp(maxNewTokens, 1, setup.ContextLength / 2);
        var layout = PromptLayout(setup, tokenizer, budget, causal is not null);
        var ids = prompts.Select(layout).ToList();
        var options = new GenerationOptions { MaxNewTokens = budget, Temperature = 0, StopSequences = stopSequences, StopTokenIds = stopTokenIds };

        var texts = new string[prompts.Count];
        // Greedy output does not depend on the batch, so prompts of similar length go together (less padding).
        var order = Enumerable.Range(0, prompts.Count).OrderBy(i => ids[i].Ids.Count).ToArray();
        foreach (var batch in order.Chunk(batchSize))
        {
            ct.ThrowIfCancellationRequested();
            IReadOnlyList<IReadOnlyList<int>> batchIds = batch.Select(i => ids[i].Ids).ToList();
            var outputs = causal is not null
                ? TextGenerator.Generate(causal, tokenizer, batchIds, options, ct: ct)
                : TextGenerator.Generate((Seq2SeqLanguageModel)setup.Objective.Model, tokenizer, batchIds, options, ct: ct);
            for (int j = 0; j < batch.Length; j++) texts[batch[j]] = outputs[j].Text;
        }
        return new GeneratedCompletions(texts, budget, ids.Count(p => p.Truncated));
    }

    static Func<string, (IReadOnlyList<int> Ids, bool Truncated)> PromptLayout(TrainingSetup setup, ITextTokenizer tokenizer, int budget, bool causal)
    {
        if (!causal)
        {
            var seq2seq = new Seq2SeqExampleTokenizer(tokenizer, setup.ContextLength, 1);
            return prompt =>
            {
                var t = seq2seq.Tokenize(prompt, "");
                return (t.InputIds, t.WasTruncated);
            };
        }
        // [BOS] prompt EOS with the prompt's start dropped to fit context − budget; the EOS (the empty completion's)
        // is then removed. A prompt with no tokens at all starts from EOS, which GPT-2-style models also use as BOS.
        var examples = new ExampleTokenizer(tokenizer, setup.ContextLength - budget + 1);
        int eos = tokenizer.EosId ?? throw new ArgumentException("The tokenizer has no EOS token.", nameof(tokenizer));
        return prompt =>
        {
            var t = examples.Tokenize(prompt, "");
            IReadOnlyList<int> ids = t.InputIds.Length > 1 ? t.InputIds[..^1] : [eos];
            // A chat template writes BOS itself (Llama 3, Gemma, Mistral): the layout's own would make two.
            if (ids.Count > 1 && tokenizer.BosId is { } bos && ids[0] == bos && ids[1] == bos) ids = ids.Skip(1).ToList();
            return (ids, t.WasTruncated);
        };
    }
}
