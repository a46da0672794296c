using System.Text;
using System.Text.Json;
using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

/// <summary>JsonStringScan against what it stands in for: string.IsNullOrWhiteSpace(reader.GetString()).</summary>
public class JsonStringScanTests
{
    private static (JsonStringContent Scanned, string? Read) ScanAndRead(string json)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        Assert.True(reader.Read());
        Assert.Equal(JsonTokenType.String, reader.TokenType);
        var scanned = JsonStringScan.Classify(reader.ValueSpan, reader.ValueIsEscaped);
        string? read;
        try
        {
            read = reader.GetString();
        }
        catch (InvalidOperationException)
        {
            read = null; // GetString throws: the scan must say Unreadable
        }
        return (scanned, read);
    }

    private static JsonStringContent Expected(string? read) =>
        read is null ? JsonStringContent.Unreadable
        : string.IsNullOrWhiteSpace(read) ? JsonStringContent.Blank
        : JsonStringContent.NotBlank;

    [Fact]
    public void Every_bmp_character_written_as_itself_or_escaped_is_judged_as_IsNullOrWhiteSpace_judges_it()
    {
        var wrong = new List<string>();
        for (int c = 0; c <= 0xFFFF; c++)
        {
            if (char.IsSurrogate((char)c))
                continue;
            string escaped = $"\\u{c:x4}", upper = $"\\u{c:X4}";
            var forms = new List<string> { $"\"{escaped}\"", $"\" {upper}\\t\"", $"\"\\n{escaped}\"" };
            if (c >= 0x20 && c != '"' && c != '\\')
                forms.AddRange([$"\"{(char)c}\"", $"\"  {(char)c} \"", $"\"\\u0020{(char)c}\""]);
            foreach (string json in forms)
            {
                var (scanned, read) = ScanAndRead(json);
                if (scanned != Expected(read))
                    wrong.Add($"U+{c:X4} as {json}: {scanned}, expected {Expected(read)}");
            }
        }
        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("\"\"")]
    [InlineData("\"   \"")]
    [InlineData("\"\\n\\r\\t\\f \"")]
    [InlineData("\"\\b\"")]
    [InlineData("\"\\\"\"")]
    [InlineData("\"\\\\\"")]
    [InlineData("\"\\/\"")]
    [InlineData("\"\\ud83d\\ude00\"")]
    [InlineData("\"\\uD83D\\uDE00 \"")]
    [InlineData("\"😀\"")]
    [InlineData("\"\u00a0\u3000\u2028\u0085\"")]
    [InlineData("\"\\ud800\"")]
    [InlineData("\"\\udc00\"")]
    [InlineData("\"\\ud800x\"")]
    [InlineData("\"x\\ud800\"")]
    [InlineData("\"\\ud800\\u0041\"")]
    [InlineData("\"\\ude00\\ud83d\"")]
    [InlineData("\"ok \\ud83d\\ude00 \\udc00\"")]
    public void Escapes_and_surrogates_read_as_GetString_reads_them(string json)
    {
        var (scanned, read) = ScanAndRead(json);

        Assert.Equal(Expected(read), scanned);
    }

    [Fact]
    public void A_lone_surrogate_is_unreadable_as_GetString_throws_on_it()
    {
        var (scanned, read) = ScanAndRead("\"a\\ud800b\"");

        Assert.Null(read);
        Assert.Equal(JsonStringContent.Unreadable, scanned);
    }
}
