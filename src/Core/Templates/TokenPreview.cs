using TuningService.Core.Files;
using TuningService.Core.Generation;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Templates;

/// <summary>
/// An example as the trainer sees it: tokenized by the job's own example tokenizer (BOS/EOS, truncation, loss mask
/// and all), each token with its text.
/// </summary>
/// <param name="Tokens">What a decoder-only model reads, or an encoder-decoder model's target; Loss marks labelled tokens.</param>
/// <param name="EncoderTokens">An encoder-decoder model's input (never labelled); null for decoder-only models.</param>
/// <param name="UnknownTokens">How many tokens are the tokenizer's &lt;unk&gt; (text the model cannot read, e.g. a newline for babyllama).</param>
public sealed record TokenPreview(IReadOnlyList<PreviewToken> Tokens, IReadOnlyList<PreviewToken>? EncoderTokens, bool Truncated, int UnknownTokens)
{
    /// <param name="setup">The setup a job would train with (TrainingSetup.For with its max_seq_length and train_on_inputs).</param>
    public static TokenPreview Of(TrainingSetup setup, ITextTokenizer tokenizer, TrainingExample example)
    {
        ArgumentNullException.ThrowIfNull(setup);
        ArgumentNullException.ThrowIfNull(example);
        var tokenized = setup.Examples.Tokenize(example); // a chat template's segments when it has them
        var labelled = tokenized.Labels.Select(l => l != CausalLmLoss.IgnoreIndex).ToArray();
        var (tokens, encoder) = setup.Objective.LabelsAreShifted
            ? (Texts(tokenizer, tokenized.InputIds, labelled), null)
            : (Texts(tokenizer, tokenized.Labels, labelled), Texts(tokenizer, tokenized.InputIds, new bool[tokenized.InputIds.Length]));
        var unknown = tokens.Concat(encoder ?? []).Count(t => t.Id == tokenizer.UnkId);
        return new TokenPreview(tokens, encoder, tokenized.WasTruncated, unknown);
    }

    // Each token's text after the tokens before it, as completion logprobs show tokens: a SentencePiece piece decoded
    // alone loses its leading space. A few tokens of left context suffice (CompletionText keeps only 4 of them).
    static PreviewToken[] Texts(ITextTokenizer tokenizer, int[] ids, bool[] loss) =>
        [.. ids.Select((id, i) => new PreviewToken(id, new CompletionText(tokenizer, []).TokenStrings(ids[Math.Max(0, i - 4)..i], [id])[0], loss[i]))];
}
