using System.Buffers;
using System.Text;
using System.Text.Json;

namespace TuningService.Core.Files;

/// <summary>Wording shared by the validators, so a problem reads the same whatever the file's layout.</summary>
internal static class ValidationMessages
{
    public const string Utf16 = "the file looks like UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8";

    /// <summary>"invalid UTF-8 at byte 7 of the line (0xC3); save the file as UTF-8" for the first bad byte.</summary>
    public static string InvalidUtf8(ReadOnlySpan<byte> bytes, string unit)
    {
        int offset = 0;
        while (offset < bytes.Length && Rune.DecodeFromUtf8(bytes[offset..], out _, out int consumed) == OperationStatus.Done)
            offset += consumed;
        string value = offset < bytes.Length ? $" (0x{bytes[offset]:X2})" : "";
        return $"invalid UTF-8 at byte {offset + 1} of the {unit}{value}; save the file as UTF-8";
    }

    /// <summary>
    /// System.Text.Json's message without its "LineNumber: 0 | BytePositionInLine: n." suffix, which means nothing
    /// to someone whose file has one record per line. <paramref name="withLine"/> says the line too (JSON arrays,
    /// whose reader counts lines through the whole file).
    /// </summary>
    public static string JsonError(JsonException ex, bool withLine)
    {
        string text = ex.Message;
        int suffix = text.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (suffix >= 0)
            text = text[..suffix];
        if (ex.BytePositionInLine is not { } position)
            return text;
        return withLine && ex.LineNumber is { } line
            ? $"{text} (line {line + 1}, byte {position + 1})"
            : $"{text} (at byte {position + 1})";
    }
}
