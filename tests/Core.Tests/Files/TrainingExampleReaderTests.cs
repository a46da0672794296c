using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

public sealed class TrainingExampleReaderTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"reader-{Guid.NewGuid():N}.jsonl");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void Reads_prompt_completion_records_with_bom_crlf_and_blank_lines()
    {
        File.WriteAllText(_path,
            "\uFEFF{\"prompt\": \"Review: fine . Sentiment:\", \"completion\": \" positive\", \"task\": \"sst2\", \"id\": 3}\r\n" +
            "\r\n" +
            "{\"prompt\": \"Q: é?\", \"completion\": \" A: ☕\"}\r\n",
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));

        var examples = TrainingExampleReader.Read(_path);

        Assert.Equal(
        [
            new TrainingExample("Review: fine . Sentiment:", " positive", "sst2"),
            new TrainingExample("Q: é?", " A: ☕"),
        ], examples);
    }

    [Fact]
    public void Renders_chat_records_with_the_plain_template()
    {
        File.WriteAllText(_path,
            """{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}], "task": "chat"}""" + "\n" +
            """{"messages": [{"role": "user", "content": "a"}, {"role": "assistant", "content": "b", "weight": 1}, {"role": "user", "content": "c"}, {"role": "assistant", "content": "d", "weight": 0}]}""" + "\n");

        var examples = TrainingExampleReader.Read(_path);

        Assert.Equal(
        [
            new TrainingExample("System: Be brief. User: Hi Assistant:", " Hello!", "chat"),
            new TrainingExample("User: a Assistant:", " b"),
        ], examples);
    }

    [Fact]
    public void Invalid_record_throws_with_its_line()
    {
        File.WriteAllText(_path, "{\"prompt\": \"a\", \"completion\": \"b\"}\n\n{\"prompt\": \"a\", \"completion\": 1}\n");

        var ex = Assert.Throws<InvalidDataException>(() => TrainingExampleReader.Read(_path));

        Assert.Equal("line 3: key 'completion' must be a string, got number", ex.Message);
    }
}
