namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>A <c>{"String": "..."}</c> pattern: the exact text, compared ordinally.</summary>
internal sealed class LiteralPattern : ITextPattern
{
    public LiteralPattern(string literal, string source)
    {
        if (literal.Length == 0)
        {
            throw new InvalidDataException($"'{source}': an empty String pattern matches nothing sensible.");
        }

        Literal = literal;
    }

    public string Literal { get; }

    public void Matches(ReadOnlySpan<char> text, List<(int Start, int End)> matches)
    {
        var offset = 0;
        while (offset < text.Length)
        {
            var index = text[offset..].IndexOf(Literal, StringComparison.Ordinal);
            if (index < 0)
            {
                return;
            }

            var start = offset + index;
            matches.Add((start, start + Literal.Length));
            offset = start + Literal.Length;
        }
    }
}
