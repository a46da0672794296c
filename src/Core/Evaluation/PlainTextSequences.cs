using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Plain text as language-model sequences for perplexity: <c>[BOS] text</c> with every text token labelled and no
/// EOS (a story in a plain-text corpus has no end marker the model was taught to predict). Text longer than the
/// context is cut into consecutive windows, each starting afresh with BOS, so every token is scored once (a model
/// without BOS cannot score the first token of a window: nothing precedes it).
/// Encoder-decoder models read an empty input and are scored on the text as their target, as training frames it.
/// </summary>
public static class PlainTextSequences
{
    public static IReadOnlyList<TokenizedExample> Tokenize(TrainingSetup setup, ITextTokenizer tokenizer, string text)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!setup.Objective.LabelsAreShifted) return [setup.Examples.Tokenize("", text)];

        IReadOnlyList<int> ids = tokenizer.Encode(text);
        int? bos = tokenizer.AddBos ? tokenizer.BosId : null;
        int window = setup.ContextLength - (bos is null ? 0 : 1);
        var windows = new List<TokenizedExample>();
        for (int start = 0; start < ids.Count; start += window)
        {
            int[] chunk = ids.Skip(start).Take(window).ToArray();
            int[] input = bos is int b ? [b, .. chunk] : chunk;
            // Labels equal the inputs (the loss shifts them); BOS is never a target.
            int[] labels = bos is null ? [.. chunk] : [CausalLmLoss.IgnoreIndex, .. chunk];
            windows.Add(new TokenizedExample(input, labels, WasTruncated: ids.Count > window));
        }
        return windows;
    }
}
