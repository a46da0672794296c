using TuningService.Core.Tokenization;

namespace TuningService.Core.Training;

/// <summary>
/// T5-style pairs: the input is <c>prompt EOS</c> (as T5's tokenizer appends &lt;/s&gt;), the target
/// <c>completion EOS</c>, every target token labelled. Too long an input loses tokens from the start of the prompt
/// (its end carries the instruction); too long a target is cut at its end, EOS included, so the model does not learn
/// to stop where the text was merely cut off.
/// </summary>
public sealed class Seq2SeqExampleTokenizer : IExampleTokenizer
{
    readonly ITextTokenizer tokenizer;
    readonly int maxInputLength, maxTargetLength, eosId;

    public Seq2SeqExampleTokenizer(ITextTokenizer tokenizer, int maxInputLength, int maxTargetLength)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInputLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTargetLength, 1);
        this.tokenizer = tokenizer;
        this.maxInputLength = maxInputLength;
        this.maxTargetLength = maxTargetLength;
        eosId = tokenizer.EosId ?? throw new ArgumentException("The tokenizer has no EOS token; a completion model needs one to learn to stop.", nameof(tokenizer));
        PaddingId = tokenizer.PadId ?? eosId;
    }

    public int PaddingId { get; }

    public TokenizedExample Tokenize(string prompt, string completion)
    {
        List<int> input = [.. tokenizer.Encode(prompt), eosId];
        List<int> target = [.. tokenizer.Encode(completion), eosId];
        var truncated = input.Count > maxInputLength || target.Count > maxTargetLength;
        if (input.Count > maxInputLength) input = input[^maxInputLength..];
        if (target.Count > maxTargetLength) target = target[..maxTargetLength];
        return new TokenizedExample([.. input], [.. target], truncated);
    }

    /// <summary>Chat templates frame one decoder-only sequence; an encoder-decoder model reads the plain layout (see ChatFormats).</summary>
    public TokenizedExample TokenizeSegments(IReadOnlyList<Files.TextSegment> segments) =>
        throw new NotSupportedException("Chat templates apply to decoder-only models; an encoder-decoder model is trained on the plain chat layout.");

    public TokenizedDataset TokenizeAll(IEnumerable<(string Prompt, string Completion)> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var examples = pairs.Select(p => Tokenize(p.Prompt, p.Completion)).ToList();
        return new TokenizedDataset(examples, examples.Count(e => e.WasTruncated));
    }
}
