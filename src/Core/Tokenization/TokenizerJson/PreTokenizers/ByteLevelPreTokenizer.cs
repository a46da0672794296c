namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// tokenizers' ByteLevel pre-tokenizer: a space before each piece that lacks one (add_prefix_space), GPT-2's split
/// (use_regex), then every UTF-8 byte written as its printable stand-in. When it is the last step, the tokenizer
/// leaves the byte mapping to the model stage (<paramref name="mapBytes"/> false) so that the pre-token cache can be
/// looked up with the unmapped text, without allocating; trim_offsets only moves offsets and changes no id.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex, bool mapBytes, string source) : IPreTokenizer
{
    /// <summary>GPT-2's pattern (OpenAI's encoder.py), as tokenizers' ByteLevel uses it.</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly SplitPreTokenizer? _split = useRegex
        ? new SplitPreTokenizer(new CodePointRegex(Gpt2Pattern, source), SplitBehavior.Isolated, invert: false)
        : null;

    [ThreadStatic]
    private static List<PreToken>? t_pieces;

    public void Split(PreToken piece, List<PreToken> output)
    {
        if (addPrefixSpace && !piece.Text.Span.StartsWith(' '))
        {
            piece = piece with { Text = string.Concat(" ", piece.Text.Span).AsMemory() };
        }

        if (_split is null && !mapBytes)
        {
            output.Add(piece);
            return;
        }

        if (_split is null)
        {
            output.Add(piece with { Text = ByteLevelAlphabetMap.Map(piece.Text.Span).AsMemory() });
            return;
        }

        if (!mapBytes)
        {
            _split.Split(piece, output);
            return;
        }

        var pieces = t_pieces ??= [];
        pieces.Clear();
        _split.Split(piece, pieces);
        foreach (var split in pieces)
        {
            output.Add(split with { Text = ByteLevelAlphabetMap.Map(split.Text.Span).AsMemory() });
        }
    }
}
