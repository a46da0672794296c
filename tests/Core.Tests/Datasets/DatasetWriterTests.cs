using System.Security.Cryptography;
using System.Text;
using TuningService.Core.Datasets;
using TuningService.Core.Files;
using TuningService.Core.Persistence;
using static TuningService.Core.Tests.Datasets.DatasetFiles;

namespace TuningService.Core.Tests.Datasets;

public sealed class DatasetWriterTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("dataset-writer-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static StoredFile Source(string container, string format = "prompt_completion") => new()
    {
        Id = "file-src", Owner = "o", Filename = "src", Purpose = "fine-tune", Sha256 = "", RelativePath = "files/file-src",
        Container = container, Format = format,
    };

    [Fact]
    public void Prompt_completion_records_read_back_as_written_with_id_and_task()
    {
        DatasetRecord[] records =
        [
            PromptCompletion(1, "Café \"quoted\"\nnext line:", " naïve ✓", task: "t1", id: "r1"),
            PromptCompletion(2, "Plain:", " answer"),
        ];
        var path = Path.Combine(folder, "out.jsonl");
        var written = DatasetWriter.WriteFile(path, records, rendered: false);

        var back = TrainingExampleReader.ReadRecords(path).ToList();
        Assert.Equal(2, back.Count);
        for (var i = 0; i < records.Length; i++)
        {
            Assert.Equal(records[i].Fields, back[i].Fields);
            Assert.Equal((records[i].Id, records[i].Task, records[i].Format), (back[i].Id, back[i].Task, back[i].Format));
        }
        var bytes = File.ReadAllBytes(path);
        Assert.Equal((bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), 2), (written.Bytes, written.Sha256, written.RecordCount));
        var firstLine = Encoding.UTF8.GetString(bytes).Split('\n')[0];
        Assert.Equal("{\"id\":\"r1\",\"prompt\":\"Café \\\"quoted\\\"\\nnext line:\",\"completion\":\" naïve ✓\",\"task\":\"t1\"}", firstLine);
    }

    [Fact]
    public void Chat_records_keep_roles_and_weights()
    {
        var chat = Chat(1, new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hey", 0),
            new ChatMessage("user", "Again"), new ChatMessage("assistant", "Hello!", 1)) with { Task = "greet" };
        var path = Path.Combine(folder, "chat.jsonl");
        DatasetWriter.WriteFile(path, [chat], rendered: false);

        var back = Assert.Single(TrainingExampleReader.ReadRecords(path));
        Assert.Equal(FineTuneFormat.Chat, back.Format);
        Assert.Equal(chat.Messages, back.Messages!);
        Assert.Equal("greet", back.Task);
    }

    [Fact]
    public void Csv_rows_become_their_rendered_prompt_and_completion()
    {
        var row = new DatasetRecord(7, FineTuneFormat.PromptCompletion, new Dictionary<string, string>
        {
            ["sentence"] = "a fine film", ["label"] = "1", ["prompt"] = "Review: a fine film Sentiment:", ["completion"] = " positive",
        }, null);
        var source = Source("csv");
        var path = Path.Combine(folder, "rows.jsonl");
        DatasetWriter.WriteFile(path, [row], DatasetWriter.WritesRendered(source));

        Assert.Equal("{\"prompt\":\"Review: a fine film Sentiment:\",\"completion\":\" positive\"}\n", File.ReadAllText(path));
        Assert.Equal("prompt_completion", DatasetWriter.OutputFormat(source));
        Assert.False(DatasetWriter.WritesRendered(Source("jsonl", "chat")));
        Assert.Equal("chat", DatasetWriter.OutputFormat(Source("jsonl", "chat")));
    }

    [Fact]
    public void Other_formats_are_written_field_by_field()
    {
        var alpaca = new DatasetRecord(1, FineTuneFormat.PromptCompletion, new Dictionary<string, string>
        {
            ["instruction"] = "Add", ["input"] = "2 and 2", ["output"] = "4",
        }, null, Id: "a1");
        using var stream = new MemoryStream();
        DatasetWriter.Write(stream, [alpaca], rendered: false);

        Assert.Equal("{\"id\":\"a1\",\"instruction\":\"Add\",\"input\":\"2 and 2\",\"output\":\"4\"}\n", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void An_existing_file_is_never_overwritten()
    {
        var path = Path.Combine(folder, "taken.jsonl");
        File.WriteAllText(path, "keep me");
        Assert.Throws<IOException>(() => DatasetWriter.WriteFile(path, [PromptCompletion(1, "a", " b")], rendered: false));
        Assert.Equal("keep me", File.ReadAllText(path));
    }
}
