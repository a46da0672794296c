namespace TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

/// <summary>
/// tokenizers' NormalizedString::split: given the delimiters found in a piece (as (start, end) ranges), cuts the
/// piece as the behaviour says. Mirrors the Rust code: the piece is first covered by alternating
/// (range, is delimiter) parts, then the parts are merged or dropped; empty parts are dropped.
/// </summary>
internal static class DelimiterSplitter
{
    [ThreadStatic]
    private static List<(int Start, int End, bool IsMatch)>? t_parts;

    public static void Split(PreToken piece, List<(int Start, int End)> delimiters, SplitBehavior behavior, bool invert, List<PreToken> output)
    {
        var length = piece.Text.Length;
        var parts = t_parts ??= [];
        parts.Clear();
        var previous = 0;
        foreach (var (start, end) in delimiters)
        {
            if (previous != start)
            {
                parts.Add((previous, start, invert));
            }

            parts.Add((start, end, !invert));
            previous = end;
        }

        if (previous != length)
        {
            parts.Add((previous, length, invert));
        }

        switch (behavior)
        {
            case SplitBehavior.Isolated:
                foreach (var part in parts)
                {
                    Add(piece, part.Start, part.End, output);
                }

                break;
            case SplitBehavior.Removed:
                foreach (var part in parts)
                {
                    if (!part.IsMatch)
                    {
                        Add(piece, part.Start, part.End, output);
                    }
                }

                break;
            case SplitBehavior.Contiguous:
                MergeInto(piece, parts, output, (isMatch, previousMatch) => isMatch == previousMatch);
                break;
            case SplitBehavior.MergedWithPrevious:
                MergeInto(piece, parts, output, (isMatch, previousMatch) => isMatch && !previousMatch);
                break;
            case SplitBehavior.MergedWithNext:
                MergedWithNext(piece, parts, output);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(behavior), behavior, null);
        }
    }

    /// <summary>A part joins the one before when <paramref name="joins"/> says so (tokenizers' fold over the parts).</summary>
    private static void MergeInto(PreToken piece, List<(int Start, int End, bool IsMatch)> parts, List<PreToken> output, Func<bool, bool, bool> joins)
    {
        var previousMatch = false;
        int? currentStart = null;
        var currentEnd = 0;
        foreach (var (start, end, isMatch) in parts)
        {
            if (currentStart is not null && joins(isMatch, previousMatch))
            {
                currentEnd = end;
            }
            else
            {
                if (currentStart is { } s)
                {
                    Add(piece, s, currentEnd, output);
                }

                currentStart = start;
                currentEnd = end;
            }

            previousMatch = isMatch;
        }

        if (currentStart is { } last)
        {
            Add(piece, last, currentEnd, output);
        }
    }

    /// <summary>The Rust code folds from the end: a delimiter joins the part after it.</summary>
    private static void MergedWithNext(PreToken piece, List<(int Start, int End, bool IsMatch)> parts, List<PreToken> output)
    {
        var merged = new List<(int Start, int End)>(parts.Count);
        var previousMatch = false;
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            var (start, end, isMatch) = parts[i];
            if (isMatch && !previousMatch && merged.Count > 0)
            {
                merged[^1] = (start, merged[^1].End);
            }
            else
            {
                merged.Add((start, end));
            }

            previousMatch = isMatch;
        }

        for (var i = merged.Count - 1; i >= 0; i--)
        {
            Add(piece, merged[i].Start, merged[i].End, output);
        }
    }

    private static void Add(PreToken piece, int start, int end, List<PreToken> output)
    {
        if (end > start)
        {
            output.Add(new PreToken(piece.Text[start..end], piece.Offset + start));
        }
    }
}
