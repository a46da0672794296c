using System.Buffers;
using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.AddedTokens;

/// <summary>
/// Finds added tokens in text as tokenizers' AddedVocabulary does (find_matches over an Aho-Corasick automaton in
/// leftmost-longest mode): the leftmost match, the longest one starting there, non-overlapping; a single_word
/// token touching a word character is skipped; lstrip/rstrip widen the match over whitespace. A trie walked from each
/// candidate start (found with SearchValues of the tokens' first characters) gives the same matches.
/// Not Microsoft.ML.Tokenizers' special-token handling: it has none of these flags and no non-special added tokens.
/// </summary>
internal sealed class AddedTokenMatcher
{
    private readonly Node _root = new();
    private readonly SearchValues<char> _firstChars;

    public AddedTokenMatcher(IEnumerable<(string Pattern, AddedTokenRule Token)> tokens)
    {
        foreach (var (pattern, token) in tokens)
        {
            if (pattern.Length == 0)
            {
                continue;
            }

            var node = _root;
            foreach (var c in pattern)
            {
                node.Children ??= [];
                if (!node.Children.TryGetValue(c, out var child))
                {
                    child = new Node();
                    node.Children[c] = child;
                }

                node = child;
            }

            // tokenizers keeps the first of two tokens with the same content.
            node.Token ??= token;
        }

        _firstChars = SearchValues.Create(_root.Children is null ? [] : [.. _root.Children.Keys]);
    }

    public bool IsEmpty => _root.Children is null;

    /// <summary>Appends the segments of text[start..end) (offsets into text), added tokens and the text between them.</summary>
    public void Split(ReadOnlySpan<char> text, List<AddedTokenSegment> segments)
    {
        var previousEnd = 0;
        var position = 0;
        while (position < text.Length)
        {
            var found = text[position..].IndexOfAny(_firstChars);
            if (found < 0)
            {
                break;
            }

            var start = position + found;
            var (length, token) = LongestAt(text, start);
            if (token is null)
            {
                position = start + 1;
                continue;
            }

            var stop = start + length;
            position = stop;
            if (token.SingleWord && (EndsWithWord(text[..start]) || StartsWithWord(text[stop..])))
            {
                continue;
            }

            var matchStart = start;
            if (token.LStrip)
            {
                while (matchStart > previousEnd && IsWhitespaceBefore(text, matchStart, out var width))
                {
                    matchStart -= width;
                }
            }

            if (token.RStrip)
            {
                while (stop < text.Length && IsWhitespaceAt(text, stop, out var width))
                {
                    stop += width;
                }

                position = stop;
            }

            if (previousEnd < matchStart)
            {
                segments.Add(new AddedTokenSegment(previousEnd, matchStart, null));
            }

            segments.Add(new AddedTokenSegment(matchStart, stop, token));
            previousEnd = stop;
        }

        if (previousEnd < text.Length)
        {
            segments.Add(new AddedTokenSegment(previousEnd, text.Length, null));
        }
    }

    private (int Length, AddedTokenRule? Token) LongestAt(ReadOnlySpan<char> text, int start)
    {
        var node = _root;
        (int, AddedTokenRule?) best = (0, null);
        for (var i = start; i < text.Length && node.Children is not null && node.Children.TryGetValue(text[i], out var next); i++)
        {
            node = next;
            if (node.Token is not null)
            {
                best = (i + 1 - start, node.Token);
            }
        }

        return best;
    }

    // tokenizers' ends_with_word / starts_with_word: an alphanumeric character or '_' on that side.
    private static bool EndsWithWord(ReadOnlySpan<char> text) =>
        Rune.DecodeLastFromUtf16(text, out var rune, out _) == OperationStatus.Done && IsWordChar(rune);

    private static bool StartsWithWord(ReadOnlySpan<char> text) =>
        Rune.DecodeFromUtf16(text, out var rune, out _) == OperationStatus.Done && IsWordChar(rune);

    private static bool IsWordChar(Rune rune) => Rune.IsLetterOrDigit(rune) || rune.Value == '_';

    private static bool IsWhitespaceBefore(ReadOnlySpan<char> text, int end, out int width) =>
        Rune.DecodeLastFromUtf16(text[..end], out var rune, out width) == OperationStatus.Done && Rune.IsWhiteSpace(rune);

    private static bool IsWhitespaceAt(ReadOnlySpan<char> text, int start, out int width) =>
        Rune.DecodeFromUtf16(text[start..], out var rune, out width) == OperationStatus.Done && Rune.IsWhiteSpace(rune);

    private sealed class Node
    {
        public Dictionary<char, Node>? Children { get; set; }

        public AddedTokenRule? Token { get; set; }
    }
}
