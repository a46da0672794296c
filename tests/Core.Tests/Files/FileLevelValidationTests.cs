using System.Text;
using TuningService.Core.Files;
using static TuningService.Core.Tests.Files.ValidatorHarness;

namespace TuningService.Core.Tests.Files;

/// <summary>Encoding, line splitting, empty files, the error cap and the format decision.</summary>
public class FileLevelValidationTests
{
    private const string PromptLine = """{"prompt": "Café ☕ 🙂?", "completion": " oui"}""";
    private const string ChatLine = """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}""";

    [Fact]
    public void Bom_and_crlf_line_ends_are_accepted()
    {
        var result = Validate($"\uFEFF{PromptLine}\r\n{PromptLine}\r\n\r\n{PromptLine}\r\n");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(3, result.RecordCount);
    }

    [Fact]
    public void Blank_lines_are_skipped_but_counted_in_line_numbers()
    {
        var error = SingleError(Validate($"\n{PromptLine}\n\n   \t\n{{\"prompt\": \"a\"}}\n\n"));

        Assert.Equal(5, error.Position);
        Assert.Equal("line 5: missing key 'completion'", error.Message);
    }

    [Fact]
    public void Last_line_without_newline_is_validated()
    {
        var error = SingleError(Validate($"{PromptLine}\n{{\"prompt\": \"a\", \"completion\": 1}}"));

        Assert.Equal("line 2: key 'completion' must be a string, got number", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("\uFEFF \r\n\t\r\n")]
    public void File_without_records_is_an_error(string text)
    {
        var result = Validate(text);

        var error = SingleError(result);
        Assert.Null(error.Position);
        Assert.Equal("the file has no records; expected one JSON object per line", error.Message);
        Assert.Null(result.Format);
        Assert.Equal(0, result.RecordCount);
    }

    [Fact]
    public void Invalid_utf8_is_reported_with_line_and_byte()
    {
        // Line 2 is {"prompt": "a<0xFF>", ...}: '{' + '"prompt"' + ':' + ' ' + '"' + 'a' is 13 bytes, so 0xFF is byte 14.
        byte[] bytes = [.. Encoding.UTF8.GetBytes(PromptLine + "\n{\"prompt\": \"a"), 0xFF, .. "\", \"completion\": \"b\"}\n"u8];

        var error = SingleError(Validate(bytes));

        Assert.Equal(2, error.Position);
        Assert.Equal("line 2: invalid UTF-8 at byte 14 of the line (0xFF); save the file as UTF-8", error.Message);
    }

    [Fact]
    public void Truncated_multibyte_character_is_invalid_utf8()
    {
        // 0xC3 starts a two-byte character; the '"' after it cannot continue it. Bytes 1-12 are {"prompt": ".
        byte[] bytes = [.. "{\"prompt\": \""u8, 0xC3, .. "\", \"completion\": \"b\"}"u8];

        Assert.Equal("line 1: invalid UTF-8 at byte 13 of the line (0xC3); save the file as UTF-8", SingleError(Validate(bytes)).Message);
    }

    [Fact]
    public void Utf16_file_is_named_as_such()
    {
        byte[] bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(PromptLine + "\n")).ToArray();

        var result = Validate(bytes);

        Assert.Equal("line 1: the file looks like UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8", result.Errors[0].Message);
    }

    [Fact]
    public void Only_the_first_errors_are_kept_but_all_are_counted()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 25; i++)
            text.Append(PromptLine).Append('\n').Append("{\"prompt\": \"a\"}\n");

        var result = Validate(text.ToString(), new FineTuneValidationOptions { MaxErrors = 10 });

        Assert.Equal(25, result.ErrorCount);
        Assert.Equal(10, result.Errors.Count);
        Assert.Equal([2L, 4, 6, 8, 10, 12, 14, 16, 18, 20], result.Errors.Select(e => e.Position!.Value));
        Assert.Equal(25, result.RecordCount);
    }

    [Fact]
    public void Default_error_cap_is_ten()
    {
        var result = Validate(string.Concat(Enumerable.Repeat("[]\n", 12)));

        Assert.Equal(12, result.ErrorCount);
        Assert.Equal(10, result.Errors.Count);
    }

    [Fact]
    public void First_valid_record_decides_the_format()
    {
        string invalidChat = """{"messages": [{"role": "user", "content": "Hi"}]}""";

        var result = Validate($"{invalidChat}\n{PromptLine}\n{ChatLine}\n{PromptLine}\n");

        Assert.Equal(FineTuneFormat.PromptCompletion, result.Format);
        Assert.Equal(2, result.RecordCount);
        Assert.Equal([1L, 3], result.Errors.Select(e => e.Position!.Value));
        Assert.Equal("line 3: record is in chat format but the file is prompt_completion (decided by line 2); use one format per file", result.Errors[1].Message);
    }

    [Fact]
    public void Chunk_boundaries_do_not_change_the_result()
    {
        byte[] file = Encoding.UTF8.GetBytes(
            $"\uFEFF{PromptLine}\r\n\r\n{{\"prompt\": 1, \"completion\": \"é\"}}\r\n{PromptLine}\n[]\n{ChatLine}\n{PromptLine}");
        var whole = Validate(file);

        foreach (int chunk in new[] { 1, 2, 3, 5, 7, 64 })
        {
            var chunked = Validate(file, chunkBytes: chunk);
            Assert.Equal(whole.RecordCount, chunked.RecordCount);
            Assert.Equal(whole.ErrorCount, chunked.ErrorCount);
            Assert.Equal(whole.Errors, chunked.Errors);
        }
        Assert.Equal(3, whole.RecordCount);
        Assert.Equal([3L, 5, 6], whole.Errors.Select(e => e.Position!.Value));
    }

    [Fact]
    public void Feed_after_complete_throws()
    {
        var validator = new FineTuneFileValidator();
        validator.Feed(Encoding.UTF8.GetBytes(PromptLine));
        var first = validator.Complete();

        Assert.Throws<InvalidOperationException>(() => validator.Feed("\n"u8));
        Assert.Same(first, validator.Complete());
    }

    [Fact]
    public void Options_must_be_positive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FineTuneFileValidator(new FineTuneValidationOptions { MaxLineBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FineTuneFileValidator(new FineTuneValidationOptions { MaxErrors = -1 }));
    }
}
