using TuningService.Core.Files;
using static TuningService.Core.Tests.Files.ValidatorHarness;

namespace TuningService.Core.Tests.Files;

public class ChatValidationTests
{
    private const string ValidLine =
        """{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}""";

    [Fact]
    public void Valid_chat_file_reports_format_and_record_count()
    {
        var result = Validate(
            ValidLine + "\n" +
            """{"messages": [{"role": "user", "content": ""}, {"role": "assistant", "content": "a", "weight": 0}, {"role": "user", "content": "more"}, {"role": "assistant", "content": "b", "weight": 1}], "task": "t", "id": "x1"}""" + "\n" +
            """{"messages": [{"role": "assistant", "content": "only", "name": "bot"}]}""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(FineTuneFormat.Chat, result.Format);
        Assert.Equal(3, result.RecordCount);
    }

    [Theory]
    [InlineData("""{"messages": "hi"}""", "line 2: key 'messages' must be an array, got string")]
    [InlineData("""{"messages": []}""", "line 2: no assistant message; a chat example needs at least one message with role 'assistant'")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}]}""", "line 2: no assistant message; a chat example needs at least one message with role 'assistant'")]
    [InlineData("""{"messages": ["hi"]}""", "line 2, message 1: must be an object with 'role' and 'content', got string")]
    [InlineData("""{"messages": [{"content": "hi"}]}""", "line 2, message 1: missing key 'role'")]
    [InlineData("""{"messages": [{"role": 1, "content": "hi"}]}""", "line 2, message 1: key 'role' must be a string, got number")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "tool", "content": "hi"}]}""", "line 2, message 2: role 'tool' is not supported; use 'system', 'user' or 'assistant'")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "assistant"}]}""", "line 2, message 2: missing key 'content'")]
    [InlineData("""{"messages": [{"role": "user", "content": [{"type": "text"}]}]}""", "line 2, message 1: key 'content' must be a string, got array")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": ""}]}""", "line 2, message 2: assistant 'content' must not be empty")]
    [InlineData("""{"messages": [{"role": "user", "content": "q", "weight": 1}, {"role": "assistant", "content": "a"}]}""", "line 2, message 1: key 'weight' is only allowed on assistant messages, this one is 'user'")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 2}]}""", "line 2, message 2: key 'weight' must be 0 or 1, got 2")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 0.5}]}""", "line 2, message 2: key 'weight' must be 0 or 1, got 0.5")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": "1"}]}""", "line 2, message 2: key 'weight' must be 0 or 1, got string")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a", "weight": 0}]}""", "line 2: every assistant message has weight 0, so there is nothing to train on; set weight 1 on one")]
    [InlineData("""{"messages": [{"role": "assistant", "content": "a"}], "task": {"name": "t"}}""", "line 2: key 'task' must be a string, got object")]
    [InlineData("""{"prompt": "a", "completion": "b"}""", "line 2: record is in prompt_completion format but the file is chat (decided by line 1); use one format per file")]
    public void Invalid_record_is_reported_with_its_line_and_message_index(string badLine, string expected)
    {
        var result = Validate($"{ValidLine}\n{badLine}\n{ValidLine}\n");

        var error = SingleError(result);
        Assert.Equal(2, error.Position);
        Assert.Equal(expected, error.Message);
        Assert.Equal(FineTuneFormat.Chat, result.Format);
        Assert.Equal(2, result.RecordCount);
    }

    [Fact]
    public void Long_unsupported_role_is_shortened_in_the_message()
    {
        string role = new('r', 500);
        var error = SingleError(Validate($$"""{"messages": [{"role": "{{role}}", "content": "a"}]}"""));

        Assert.Equal($"line 1, message 1: role '{new string('r', 40)}...' is not supported; use 'system', 'user' or 'assistant'", error.Message);
    }
}
