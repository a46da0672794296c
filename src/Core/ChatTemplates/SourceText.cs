namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The template source as Jinja lexes it: every newline (<c>\r\n</c>, <c>\r</c>, <c>\n</c>) normalised to <c>\n</c>
/// and one trailing newline dropped (<c>keep_trailing_newline=False</c>), with offsets mapped to 1-based line and
/// column for error messages.
/// </summary>
internal sealed class SourceText
{
    readonly List<int> lineStarts = [0];

    public SourceText(string source)
    {
        var text = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (text.EndsWith('\n')) text = text[..^1];
        Text = text;
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '\n') lineStarts.Add(i + 1);
    }

    public string Text { get; }

    public (int Line, int Column) Position(int offset)
    {
        var index = lineStarts.BinarySearch(offset);
        if (index < 0) index = ~index - 1;
        return (index + 1, offset - lineStarts[index] + 1);
    }
}
