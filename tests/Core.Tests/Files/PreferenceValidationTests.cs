using TuningService.Core.Files;
using static TuningService.Core.Tests.Files.ValidatorHarness;

namespace TuningService.Core.Tests.Files;

/// <summary>OpenAI's preference (DPO) format: validation on upload, reading, and the rendering of a pair.</summary>
public class PreferenceValidationTests
{
    private const string ValidLine =
        """{"input": {"messages": [{"role": "user", "content": "Who found the ball?"}]}, "preferred_output": [{"role": "assistant", "content": "Tom"}], "non_preferred_output": [{"role": "assistant", "content": "Sue"}]}""";

    [Fact]
    public void Valid_preference_file_reports_its_format_and_records()
    {
        var result = Validate(ValidLine + "\n" +
            """{"input": {"messages": [{"role": "system", "content": "Short."}, {"role": "user", "content": "q"}], "tools": [], "parallel_tool_calls": true}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}], "id": 7}""");

        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(FineTuneFormat.Preference, result.Format);
        Assert.Equal(2, result.RecordCount);
    }

    [Theory]
    [InlineData("""{"preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2: missing key 'input'")]
    [InlineData("""{"input": "q", "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2: key 'input' must be an object with 'messages', got string")]
    [InlineData("""{"input": {"messages": []}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2: key 'input.messages' must hold at least one message (the prompt)")]
    [InlineData("""{"input": {"messages": [{"role": "tool", "content": "q"}]}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2, input.messages[0]: role 'tool' is not supported; use 'system', 'user' or 'assistant'")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}], "tools": 3}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2: key 'input.tools' must be an array, got number")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2: missing key 'preferred_output'")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [{"role": "assistant", "content": "a"}]}""", "line 2: missing key 'non_preferred_output'")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2: key 'preferred_output' must be an array of exactly one assistant message, got 0 messages")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [{"role": "user", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2, preferred_output[0]: role must be 'assistant', got 'user'")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": [{"role": "assistant", "content": "a"}], "non_preferred_output": [{"role": "assistant", "content": " "}]}""", "line 2, non_preferred_output[0]: key 'content' must not be empty")]
    [InlineData("""{"input": {"messages": [{"role": "user", "content": "q"}]}, "preferred_output": "a", "non_preferred_output": [{"role": "assistant", "content": "b"}]}""", "line 2: key 'preferred_output' must be an array of exactly one assistant message, got string")]
    [InlineData("""{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}""", "line 2: record is in chat format but the file is preference (decided by line 1); use one format per file")]
    public void Invalid_record_is_reported_with_its_line_and_key(string badLine, string expected)
    {
        var result = Validate($"{ValidLine}\n{badLine}\n{ValidLine}\n");

        var error = SingleError(result);
        Assert.Equal(2, error.Position);
        Assert.Equal(expected, error.Message);
        Assert.Equal(FineTuneFormat.Preference, result.Format);
    }

    [Fact]
    public void A_pair_is_read_as_one_prompt_with_its_preferred_and_non_preferred_answers()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, ValidLine + "\n");
            var example = Assert.Single(TrainingExampleReader.Read(path));

            Assert.Equal("User: Who found the ball? Assistant:", example.Prompt);
            Assert.Equal(" Tom", example.Completion);
            Assert.Equal(" Sue", example.Rejected);
            // The seam the chat-template switch replaces renders exactly the supervised chat prompt.
            Assert.Equal(PlainChatTemplate.RenderPrompt([new ChatMessage("user", "Who found the ball?", null)]), example.Prompt);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
