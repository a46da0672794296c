using System.Text;

namespace TuningService.Core.Tokenization.TokenizerJson.Normalizers;

/// <summary>tokenizers' Strip: White_Space characters off the left and/or the right.</summary>
internal sealed class StripNormalizer(bool left, bool right) : ITextNormalizer
{
    public string Normalize(string text)
    {
        var start = 0;
        var end = text.Length;
        while (left && start < end && Rune.DecodeFromUtf16(text.AsSpan(start, end - start), out var rune, out var n) == System.Buffers.OperationStatus.Done && Rune.IsWhiteSpace(rune))
        {
            start += n;
        }

        while (right && end > start && Rune.DecodeLastFromUtf16(text.AsSpan(start, end - start), out var rune, out var n) == System.Buffers.OperationStatus.Done && Rune.IsWhiteSpace(rune))
        {
            end -= n;
        }

        return start == 0 && end == text.Length ? text : text[start..end];
    }
}
