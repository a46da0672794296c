using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

public class JsonArrayValidationTests
{
    private const string ThreeRecords = """
        [
          {"instruction": "Say \"hi\" [politely].", "input": "", "output": "Hello {there}!"},
          {"prompt": "ignored?", "instruction": "x", "output": "y"},
          {"instruction": "Name a colour.", "output": "Blue", "task": "colours", "meta": {"tags": ["a", "b"]}}
        ]
        """;

    private static FineTuneValidationResult Validate(string text, int chunkBytes = int.MaxValue, FineTuneValidationOptions? options = null) =>
        Validate(Encoding.UTF8.GetBytes(text), chunkBytes, options);

    private static FineTuneValidationResult Validate(byte[] bytes, int chunkBytes = int.MaxValue, FineTuneValidationOptions? options = null)
    {
        var validator = new JsonArrayFileValidator(options);
        for (int offset = 0; offset < bytes.Length; offset += chunkBytes)
            validator.Feed(bytes.AsSpan(offset, Math.Min(chunkBytes, bytes.Length - offset)));
        return validator.Complete();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(int.MaxValue)]
    public void Elements_are_checked_one_by_one_whatever_the_chunking(int chunkBytes)
    {
        var result = Validate(ThreeRecords, chunkBytes);

        Assert.Equal(2, result.RecordCount);
        Assert.Equal(FineTuneFormat.Alpaca, result.Format);
        Assert.Equal(DatasetContainer.Json, result.Container);
        var error = ValidatorHarness.SingleError(result);
        Assert.Equal(2, error.Position);
        Assert.StartsWith("element 2 (line 3): record mixes the keys of several formats", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    public void A_minified_array_with_a_bom_is_valid(int chunkBytes)
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("""[{"text":"a"},{"text":"b"}]""")];

        var result = Validate(bytes, chunkBytes);

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal((FineTuneFormat.Text, 2L), (result.Format, result.RecordCount));
    }

    [Theory]
    [InlineData("[\n{\"text\": \"a\"},\n{\"text\": \"b\"", "element 2 (line 3): the file ends inside the array (it is truncated, or the closing ']' is missing)")]
    [InlineData("[\n{\"text\": \"a\"},\n", "element 2 (line 3): the file ends inside the array (it is truncated, or the closing ']' is missing)")]
    [InlineData("[]", "the file has no records: the array is empty")]
    [InlineData("  ", "the file has no records; expected a JSON array of objects")]
    [InlineData("{\"text\": \"a\"}", "the file does not start with '['; expected a JSON array of objects")]
    [InlineData("[{\"text\": \"a\"}] x", "after the array: 'x' is invalid after a single JSON value. Expected end of data. (line 1, byte 17)")]
    [InlineData("[{\"text\": \"a\"},\n {\"text\": \"b\",}]", "element 2: not valid JSON: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options. (line 2, byte 15)")]
    public void A_broken_array_is_reported_once_with_where(string text, string expected)
    {
        var result = Validate(text, chunkBytes: 3);

        Assert.Equal(expected, ValidatorHarness.SingleError(result).Message);
    }

    [Fact]
    public void Primitive_elements_and_duplicate_keys_are_record_errors_and_checking_goes_on()
    {
        var result = Validate("[\"text\", {\"text\": \"a\", \"text\": \"b\"}, {\"text\": \"ok\"}, 5]");

        Assert.Equal(1, result.RecordCount);
        Assert.Equal([1L, 2, 4], result.Errors.Select(e => e.Position!.Value));
        Assert.Equal("element 1 (line 1): expected a JSON object, got string", result.Errors[0].Message);
        Assert.StartsWith("element 2 (line 1): not valid JSON: Duplicate property 'text'", result.Errors[1].Message);
    }

    [Fact]
    public void An_element_over_the_limit_is_reported_without_being_held()
    {
        string big = "{\"text\": \"" + new string('x', 5000) + "\"}";
        var options = new FineTuneValidationOptions { MaxLineBytes = 1000 };

        var result = Validate("[{\"text\": \"a\"},\n" + big + ",{\"text\": \"b\"}]", chunkBytes: 100, options);

        Assert.Equal(1, result.RecordCount);
        Assert.Equal("element 2 (line 2): the element is over the limit of 1000 bytes; shorten or split this example", ValidatorHarness.SingleError(result).Message);
    }

    [Fact]
    public void Invalid_utf8_inside_an_element_names_the_element()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("[{\"text\": \"caf"), 0xE9, .. Encoding.UTF8.GetBytes("\"}]")];

        var result = Validate(bytes);

        Assert.Equal("element 1 (line 1): invalid UTF-8 at byte 14 of the element (0xE9); save the file as UTF-8", ValidatorHarness.SingleError(result).Message);
    }

    [Fact]
    public void The_real_alpaca_sample_is_valid_in_any_chunking()
    {
        byte[] bytes = File.ReadAllBytes(DatasetHarness.Fixture("datasets", "alpaca-en-demo-100.json"));

        foreach (int chunk in new[] { 13, 4096, int.MaxValue })
        {
            var result = Validate(bytes, chunk);
            Assert.True(result.IsValid, string.Join("; ", result.Errors));
            Assert.Equal((FineTuneFormat.Alpaca, 100L), (result.Format, result.RecordCount));
        }
    }
}
