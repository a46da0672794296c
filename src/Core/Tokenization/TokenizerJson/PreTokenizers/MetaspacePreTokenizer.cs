namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// tokenizers' Metaspace: spaces become the replacement (▁); the replacement is put before a piece that does not
/// start with it (always, or only for the piece at the start of the text: "first"); with split, the piece is cut
/// before each replacement (MergedWithNext).
/// </summary>
internal sealed class MetaspacePreTokenizer(char replacement, PrependScheme prependScheme, bool split) : IPreTokenizer
{
    private readonly SplitPreTokenizer _split = new(new LiteralPattern(replacement.ToString(), "Metaspace"), SplitBehavior.MergedWithNext, invert: false);

    public void Split(PreToken piece, List<PreToken> output)
    {
        var text = piece.Text.Span.Contains(' ') ? piece.Text.ToString().Replace(' ', replacement) : null;
        var span = text is null ? piece.Text.Span : text.AsSpan();
        var prepend = !span.StartsWith(replacement)
            && (prependScheme == PrependScheme.Always || (prependScheme == PrependScheme.First && piece.Offset == 0));
        if (prepend)
        {
            text = string.Concat(replacement.ToString(), span);
        }

        var rewritten = text is null ? piece : piece with { Text = text.AsMemory() };
        if (split)
        {
            _split.Split(rewritten, output);
        }
        else if (rewritten.Text.Length > 0)
        {
            output.Add(rewritten);
        }
    }
}
