using System.Runtime.CompilerServices;
using System.Buffers.Text;
using System.Text;

namespace TuningService.Core.Files;

/// <summary>
/// Answers, from a JSON string token's raw bytes, what <c>string.IsNullOrWhiteSpace(reader.GetString())</c> would,
/// and whether <c>GetString</c> would throw, without building the string: a record's prompt or completion is most
/// of its bytes, and materialising it only to look for one non-blank character was a large share of validation.
/// </summary>
/// <remarks>The raw bytes are valid UTF-8 (the validators check every line or element first) and valid JSON string
/// syntax (the reader checked the escapes). White space is decided by <see cref="char.IsWhiteSpace(char)"/>, per
/// UTF-16 unit, exactly as <see cref="string.IsNullOrWhiteSpace"/> does.</remarks>
internal static class JsonStringScan
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // hot: see FastRecordCheck's remarks
    public static JsonStringContent Classify(ReadOnlySpan<byte> raw, bool escaped)
    {
        bool notBlank = false;
        int i = 0;
        while (i < raw.Length)
        {
            byte b = raw[i];
            if (b == (byte)'\\' && escaped)
            {
                if (raw[i + 1] != (byte)'u')
                {
                    // \" \\ \/ \b are characters that are not white space; \n \r \t \f are white space.
                    notBlank |= raw[i + 1] is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b';
                    i += 2;
                    continue;
                }
                if (!TryHex(raw.Slice(i + 2), out char unit))
                    return JsonStringContent.Unreadable;
                if (char.IsLowSurrogate(unit))
                    return JsonStringContent.Unreadable;
                if (char.IsHighSurrogate(unit))
                {
                    // Only a pair reads; a supplementary character is never white space.
                    if (raw.Length < i + 12 || raw[i + 6] != (byte)'\\' || raw[i + 7] != (byte)'u'
                        || !TryHex(raw.Slice(i + 8), out char low) || !char.IsLowSurrogate(low))
                        return JsonStringContent.Unreadable;
                    notBlank = true;
                    i += 12;
                    continue;
                }
                notBlank |= !char.IsWhiteSpace(unit);
                i += 6;
                continue;
            }
            if (b < 0x80)
            {
                if (!notBlank && b is not ((>= 0x09 and <= 0x0D) or 0x20))
                {
                    if (!escaped)
                        return JsonStringContent.NotBlank;
                    notBlank = true; // an escaped string is read to its end: a later escape may not read
                }
                i++;
                continue;
            }
            Rune.DecodeFromUtf8(raw[i..], out Rune rune, out int consumed);
            if (!notBlank && !(rune.IsBmp && char.IsWhiteSpace((char)rune.Value)))
            {
                if (!escaped)
                    return JsonStringContent.NotBlank;
                notBlank = true;
            }
            i += consumed;
        }
        return notBlank ? JsonStringContent.NotBlank : JsonStringContent.Blank;
    }

    private static bool TryHex(ReadOnlySpan<byte> bytes, out char unit)
    {
        unit = default;
        if (bytes.Length < 4 || !Utf8Parser.TryParse(bytes[..4], out ushort value, out int consumed, 'X') || consumed != 4)
            return false;
        unit = (char)value;
        return true;
    }
}
