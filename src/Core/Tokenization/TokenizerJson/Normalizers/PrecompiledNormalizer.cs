using System.Globalization;
using System.Text;
using TuningService.Core.Tokenization.SentencePiece;

namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>
/// tokenizers' Precompiled normalizer (the spm_precompiled crate): SentencePiece's compiled rules applied per
/// grapheme cluster. A cluster shorter than 6 UTF-8 bytes that is itself a rule is replaced whole; otherwise each of
/// its characters that is a rule is replaced. Unlike sentencepiece's own longest-prefix normaliser (see
/// SentencePieceTextNormalizer), only exact matches of a cluster or of one character count.
/// </summary>
internal sealed class PrecompiledNormalizer(PrecompiledCharsMap? map) : ITextNormalizer
{
    public string Normalize(string text)
    {
        if (map is null)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        for (var start = 0; start < text.Length;)
        {
            var length = StringInfo.GetNextTextElementLength(text.AsSpan(start));
            var grapheme = text.AsSpan(start, length);
            start += length;
            if (Encoding.UTF8.GetByteCount(grapheme) < 6 && Transform(grapheme) is { } whole)
            {
                result.Append(whole);
                continue;
            }

            for (var i = 0; i < grapheme.Length;)
            {
                var charLength = char.IsHighSurrogate(grapheme[i]) && i + 1 < grapheme.Length ? 2 : 1;
                var character = grapheme.Slice(i, charLength);
                if (Transform(character) is { } replaced)
                {
                    result.Append(replaced);
                }
                else
                {
                    result.Append(character);
                }

                i += charLength;
            }
        }

        return result.ToString();
    }

    /// <summary>The rule whose source is exactly <paramref name="text"/>, or null.</summary>
    private string? Transform(ReadOnlySpan<char> text)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return map!.TryMatchLongestPrefix(bytes, out var consumed, out var replacement) && consumed == bytes.Length
            ? Encoding.UTF8.GetString(replacement)
            : null;
    }
}
