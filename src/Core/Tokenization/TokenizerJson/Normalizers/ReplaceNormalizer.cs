using System.Text;
using TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>tokenizers' Replace: every occurrence of the pattern (a string or a regex) becomes content.</summary>
internal sealed class ReplaceNormalizer(ITextPattern pattern, string content) : ITextNormalizer
{
    public string Normalize(string text) => Replace(pattern, content, text);

    /// <summary>Shared with the Replace decoder.</summary>
    public static string Replace(ITextPattern pattern, string content, string text)
    {
        if (pattern is LiteralPattern literal)
        {
            return text.Replace(literal.Literal, content, StringComparison.Ordinal);
        }

        var matches = new List<(int Start, int End)>();
        pattern.Matches(text, matches);
        if (matches.Count == 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var previous = 0;
        foreach (var (start, end) in matches)
        {
            result.Append(text, previous, start - previous).Append(content);
            previous = end;
        }

        return result.Append(text, previous, text.Length - previous).ToString();
    }
}
