using System.Text;

namespace TuningService.Core.Files;

/// <summary>
/// A text with <c>{placeholders}</c> filled from a record's fields, e.g. <c>"Review: {sentence} Sentiment:"</c>.
/// <c>{{</c> and <c>}}</c> stand for literal braces. A placeholder name is a letter or '_' followed by letters,
/// digits or '_'.
/// </summary>
/// <remarks>
/// Written here rather than using string.Format or a template engine: placeholders are names chosen by users and
/// datasets, not positions, and a missing field must be an error that names it (an engine that renders it empty
/// would train on silently broken prompts).
/// </remarks>
public sealed class PromptTemplate
{
    private readonly IReadOnlyList<(string Text, string? Placeholder)> _parts;

    private PromptTemplate(string text, IReadOnlyList<(string, string?)> parts)
    {
        Text = text;
        _parts = parts;
        Placeholders = [.. parts.Where(p => p.Item2 is not null).Select(p => p.Item2!).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The template as written.</summary>
    public string Text { get; }

    /// <summary>The distinct placeholder names, in order of first use.</summary>
    public IReadOnlyList<string> Placeholders { get; }

    /// <exception cref="FormatException">The text has an unclosed or empty '{', a stray '}', or a bad name; the message says where.</exception>
    public static PromptTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<(string, string?)>();
        var literal = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '}')
            {
                if (i + 1 < text.Length && text[i + 1] == '}') { literal.Append('}'); i++; continue; }
                throw new FormatException($"template: '}}' at character {i + 1} closes nothing; write '}}}}' for a literal brace");
            }
            if (c != '{') { literal.Append(c); continue; }
            if (i + 1 < text.Length && text[i + 1] == '{') { literal.Append('{'); i++; continue; }
            int close = text.IndexOf('}', i + 1);
            if (close < 0)
                throw new FormatException($"template: '{{' at character {i + 1} is never closed; write '{{{{' for a literal brace");
            string name = text[(i + 1)..close];
            if (!IsName(name))
                throw new FormatException($"template: '{{{name}}}' at character {i + 1} is not a placeholder; a name is a letter or '_' followed by letters, digits or '_'");
            if (literal.Length > 0) { parts.Add((literal.ToString(), null)); literal.Clear(); }
            parts.Add(("", name));
            i = close;
        }
        if (literal.Length > 0) parts.Add((literal.ToString(), null));
        return new PromptTemplate(text, parts);
    }

    /// <summary>The placeholders that <paramref name="fields"/> lacks (empty when the template can be rendered).</summary>
    public IReadOnlyList<string> MissingFields(IReadOnlyDictionary<string, string> fields) =>
        [.. Placeholders.Where(p => !fields.ContainsKey(p))];

    /// <exception cref="KeyNotFoundException">A placeholder has no field; the message names it and the fields there are.</exception>
    public string Render(IReadOnlyDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var text = new StringBuilder();
        foreach (var (literal, placeholder) in _parts)
        {
            if (placeholder is null) { text.Append(literal); continue; }
            if (!fields.TryGetValue(placeholder, out var value))
                throw new KeyNotFoundException($"template placeholder '{{{placeholder}}}' has no field in the record; " +
                    $"the record has: {string.Join(", ", fields.Keys.Order(StringComparer.Ordinal))}");
            text.Append(value);
        }
        return text.ToString();
    }

    public override string ToString() => Text;

    private static bool IsName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
