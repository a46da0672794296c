using System.Buffers;
using System.Text;

namespace TuningService.Core.Tokenization.SentencePiece;

/// <summary>
/// SentencePiece's normaliser (normalizer.cc, 0.1.97): charsmap rules, then the whitespace rules
/// (remove_extra_whitespaces, add_dummy_prefix, escape_whitespaces as U+2581). Written here because
/// Microsoft.ML.Tokenizers 2.0.1's SentencePieceNormalizer returns "" for a one-character input, keeps a lone
/// "▁" for whitespace-only input, and skips the charsmap (T5's tab → space). Works on UTF-8 bytes, as the
/// charsmap trie does.
/// </summary>
internal sealed class SentencePieceTextNormalizer
{
    private static readonly byte[] SpaceSymbol = "\u2581"u8.ToArray();
    private static readonly byte[] Space = " "u8.ToArray();

    private readonly PrecompiledCharsMap? _charsMap;
    private readonly bool _addDummyPrefix;
    private readonly bool _removeExtraWhitespaces;
    private readonly bool _escapeWhitespaces;

    public SentencePieceTextNormalizer(SentencePieceNormalizerSpec spec)
    {
        _charsMap = PrecompiledCharsMap.FromBlob(spec.PrecompiledCharsMap);
        _addDummyPrefix = spec.AddDummyPrefix;
        _removeExtraWhitespaces = spec.RemoveExtraWhitespaces;
        _escapeWhitespaces = spec.EscapeWhitespaces;
    }

    public string Normalize(string text)
    {
        var inputBuffer = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        var output = new ArrayBufferWriter<byte>(Math.Max(16, text.Length * 2));
        try
        {
            var input = inputBuffer.AsSpan(0, Encoding.UTF8.GetBytes(text, inputBuffer));
            Normalize(input, output);
            return Encoding.UTF8.GetString(output.WrittenSpan);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(inputBuffer);
        }
    }

    private void Normalize(ReadOnlySpan<byte> input, ArrayBufferWriter<byte> output)
    {
        if (_removeExtraWhitespaces)
        {
            while (!input.IsEmpty && NormalizePrefix(input, out var consumed).SequenceEqual(Space))
            {
                input = input[consumed..];
            }
        }

        if (input.IsEmpty)
        {
            return;
        }

        if (_addDummyPrefix)
        {
            output.Write(_escapeWhitespaces ? SpaceSymbol : Space);
        }

        var previousEndsWithSpace = _removeExtraWhitespaces;
        while (!input.IsEmpty)
        {
            var normalized = NormalizePrefix(input, out var consumed);
            if (previousEndsWithSpace)
            {
                normalized = normalized.TrimStart((byte)' ');
            }

            if (!normalized.IsEmpty)
            {
                WriteEscaped(normalized, output);
                previousEndsWithSpace = _removeExtraWhitespaces && normalized[^1] == (byte)' ';
            }

            input = input[consumed..];
        }

        if (_removeExtraWhitespaces)
        {
            TrimTrailing(output, _escapeWhitespaces ? SpaceSymbol : Space);
        }
    }

    /// <summary>The longest charsmap rule at the start of input, else its first UTF-8 character unchanged.</summary>
    private ReadOnlySpan<byte> NormalizePrefix(ReadOnlySpan<byte> input, out int consumed)
    {
        if (_charsMap is not null && _charsMap.TryMatchLongestPrefix(input, out consumed, out var replacement))
        {
            return replacement;
        }

        // The input came from Encoding.UTF8, so it is well formed: the lead byte gives the length.
        consumed = input[0] switch
        {
            < 0x80 => 1,
            < 0xE0 => 2,
            < 0xF0 => 3,
            _ => 4,
        };
        consumed = Math.Min(consumed, input.Length);
        return input[..consumed];
    }

    private void WriteEscaped(ReadOnlySpan<byte> normalized, ArrayBufferWriter<byte> output)
    {
        if (!_escapeWhitespaces)
        {
            output.Write(normalized);
            return;
        }

        for (int space; (space = normalized.IndexOf((byte)' ')) >= 0; normalized = normalized[(space + 1)..])
        {
            output.Write(normalized[..space]);
            output.Write(SpaceSymbol);
        }

        output.Write(normalized);
    }

    private static void TrimTrailing(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> space)
    {
        var length = output.WrittenCount;
        while (output.WrittenSpan[..length].EndsWith(space))
        {
            length -= space.Length;
        }

        if (length < output.WrittenCount)
        {
            var kept = output.WrittenSpan[..length].ToArray();
            output.ResetWrittenCount();
            output.Write(kept);
        }
    }
}
