using TuningService.Core.Files;
using static TuningService.Core.Tests.Files.ValidatorHarness;

namespace TuningService.Core.Tests.Files;

public class PromptCompletionValidationTests
{
    private const string ValidLine = """{"prompt": "Review: great . Sentiment:", "completion": " positive"}""";

    [Fact]
    public void Valid_file_reports_format_and_record_count()
    {
        var result = Validate($"{ValidLine}\n{ValidLine}\n{ValidLine}\n");

        Assert.True(result.IsValid);
        Assert.Equal(FineTuneFormat.PromptCompletion, result.Format);
        Assert.Equal(3, result.RecordCount);
        Assert.Empty(result.Errors);
    }

    [Fact]
    public void Extra_keys_and_an_empty_prompt_are_allowed()
    {
        var result = Validate("""{"prompt": "", "completion": "x", "task": "sst2", "id": 7, "meta": {"a": [1]}}""");

        Assert.True(result.IsValid);
        Assert.Equal(1, result.RecordCount);
    }

    [Theory]
    [InlineData("""{"prompt": "a", "completion": 5}""", "line 2: key 'completion' must be a string, got number")]
    [InlineData("""{"prompt": null, "completion": "b"}""", "line 2: key 'prompt' must be a string, got null")]
    [InlineData("""{"prompt": ["a"], "completion": "b"}""", "line 2: key 'prompt' must be a string, got array")]
    [InlineData("""{"prompt": "a", "completion": true}""", "line 2: key 'completion' must be a string, got boolean")]
    [InlineData("""{"completion": "b"}""", "line 2: missing key 'prompt'")]
    [InlineData("""{"prompt": "a"}""", "line 2: missing key 'completion'")]
    [InlineData("""{"prompt": "a", "completion": ""}""", "line 2: key 'completion' must not be empty")]
    [InlineData("""{"prompt": "a", "completion": " \t "}""", "line 2: key 'completion' must not be empty")]
    [InlineData("""{"prompt": "a", "completion": "b", "task": 3}""", "line 2: key 'task' must be a string, got number")]
    [InlineData("""[{"prompt": "a", "completion": "b"}]""", "line 2: expected a JSON object, got array")]
    [InlineData("\"just text\"", "line 2: expected a JSON object, got string")]
    [InlineData("""{"id": 1, "body": "a"}""", "line 2: record has none of the keys of a known format: 'prompt'/'completion' (prompt_completion), 'messages' (chat), 'instruction'/'output' (alpaca), 'text' (text), 'input'/'preferred_output'/'non_preferred_output' (preference)")]
    [InlineData("""{"prompt": "a", "completion": "b", "messages": []}""", "line 2: record mixes the keys of several formats: 'prompt'/'completion' (prompt_completion) and 'messages' (chat); use one format")]
    [InlineData("""{"messages": [{"role": "assistant", "content": "b"}]}""", "line 2: record is in chat format but the file is prompt_completion (decided by line 1); use one format per file")]
    public void Invalid_record_is_reported_with_its_line(string badLine, string expected)
    {
        var result = Validate($"{ValidLine}\n{badLine}\n{ValidLine}\n");

        var error = SingleError(result);
        Assert.Equal(2, error.Position);
        Assert.Equal(expected, error.Message);
        Assert.False(result.IsValid);
        Assert.Equal(FineTuneFormat.PromptCompletion, result.Format);
        Assert.Equal(2, result.RecordCount);
    }

    [Theory]
    [InlineData("""{"prompt": "a", "completion": "b" """)]
    [InlineData("""{"prompt": "a", "completion": "b"} {"prompt": "c"}""")]
    [InlineData("""{"prompt": 'a', "completion": "b"}""")]
    [InlineData("""{"prompt": "a", "completion": "b",}""")]
    public void Malformed_or_ambiguous_json_is_reported_with_its_line(string badLine)
    {
        var error = SingleError(Validate($"{ValidLine}\n{badLine}\n"));

        Assert.Equal(2, error.Position);
        Assert.StartsWith("line 2: not valid JSON: ", error.Message);
        Assert.Matches(@"\(at byte \d+\)$", error.Message);
        Assert.DoesNotContain("LineNumber", error.Message);
    }

    [Fact]
    public void Duplicate_key_is_rejected_because_the_value_used_would_be_a_guess()
    {
        var error = SingleError(Validate($"{ValidLine}\n{{\"prompt\": \"a\", \"prompt\": \"b\", \"completion\": \"c\"}}\n"));

        Assert.StartsWith("line 2: not valid JSON: ", error.Message);
        Assert.Contains("'prompt'", error.Message);
    }
}
