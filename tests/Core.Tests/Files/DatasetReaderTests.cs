using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

/// <summary>DatasetReader reads back, record for record, what validation accepted, in every layout.</summary>
public sealed class DatasetReaderTests : IDisposable
{
    private readonly string _path = Path.GetTempFileName();

    public void Dispose() => File.Delete(_path);

    private List<DatasetRecord> UploadAndRead(byte[] bytes, DatasetUploadOptions upload)
    {
        File.WriteAllBytes(_path, bytes);
        var result = DatasetHarness.Validate(bytes, upload);
        Assert.True(result.IsValid, DatasetHarness.Messages(result));
        var records = DatasetReader.Read(_path, DatasetHarness.StoredFile(result)).ToList();
        Assert.Equal(result.RecordCount, records.Count);
        return records;
    }

    [Fact]
    public void Sst2_tsv_rows_read_as_the_prompt_completion_pairs_of_the_shipped_sample()
    {
        var upload = DatasetUploadOptions.FromForm("sst2-dev-300.tsv", "auto", "Review: {sentence} Sentiment:", " {label}",
            "{\"0\": \"negative\", \"1\": \"positive\"}");

        var records = UploadAndRead(File.ReadAllBytes(DatasetHarness.Fixture("datasets", "sst2-dev-300.tsv")), upload);

        // samples/sst2-sentiment-train.jsonl was rendered from the same GLUE dev sentences by another program
        // (see samples/README.md); 76 of its 200 records come from the first 300 rows.
        var sample = TrainingExampleReader.Read(RepositoryFiles.Path("samples", "sst2-sentiment-train.jsonl"));
        var read = records.Select(r => r.ToExample()).ToHashSet();
        Assert.Equal(76, sample.Count(read.Contains));
        Assert.All(records, r => Assert.Equal(FineTuneFormat.PromptCompletion, r.Format));
        Assert.Equal(2, records[0].Position);
        Assert.Equal(("1", " positive"), (records[0].Fields["label"], records[0].Fields["completion"]));
        Assert.Equal(["negative", "positive"], records.Select(r => r.Fields["completion"].Trim()).Distinct().Order());
    }

    [Fact]
    public void A_csv_with_task_and_id_columns_and_quoted_values_reads_them()
    {
        var upload = DatasetUploadOptions.FromForm("qa.csv", null, "Q: {question} A:", " {answer}", taskColumn: "task", idColumn: "id");

        var records = UploadAndRead("id,task,question,answer\r\nq1,math,\"What is 2+2, exactly?\",4\r\nq2,,\"Say \"\"hi\"\"\",hi\r\n"u8.ToArray(), upload);

        Assert.Equal(new TrainingExample("Q: What is 2+2, exactly? A:", " 4", "math"), records[0].ToExample());
        Assert.Equal(("q1", "math"), (records[0].Id, records[0].Task));
        Assert.Equal(new TrainingExample("Q: Say \"hi\" A:", " hi"), records[1].ToExample());
        Assert.Equal(("q2", null), (records[1].Id, records[1].Task));
    }

    [Fact]
    public void The_alpaca_json_array_reads_element_by_element()
    {
        string path = DatasetHarness.Fixture("datasets", "alpaca-en-demo-100.json");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(path));

        var records = UploadAndRead(File.ReadAllBytes(path), new DatasetUploadOptions { Filename = "alpaca.json" });

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), records.Select(r => r.Position));
        Assert.Equal(document.RootElement.EnumerateArray().Select(e => e.GetProperty("output").GetString()), records.Select(r => r.Fields["output"]));
        Assert.Equal(document.RootElement[1].GetProperty("instruction").GetString(), records[1].Fields["instruction"]);
        Assert.StartsWith("Instruction: ", records[0].ToExample().Prompt);
    }

    [Fact]
    public void Self_instruct_alpaca_records_carry_their_id_and_task()
    {
        var records = UploadAndRead(File.ReadAllBytes(DatasetHarness.Fixture("datasets", "self-instruct-seed-60-alpaca.jsonl")), new DatasetUploadOptions());

        Assert.Equal(60, records.Count);
        Assert.Equal(("seed_task_0", "generation", ""), (records[0].Id, records[0].Task, records[0].Fields["input"]));
        Assert.Equal(["classification", "generation"], records.Select(r => r.Task!).Distinct().Order());
    }

    [Fact]
    public void Heldout_stories_read_as_text_with_an_empty_prompt()
    {
        string path = RepositoryFiles.Path("models", "babyllama-tinystories", "heldout_stories.jsonl");
        string firstStory = System.Text.Json.JsonDocument.Parse(File.ReadLines(path).First()).RootElement.GetProperty("text").GetString()!;

        var records = UploadAndRead(File.ReadAllBytes(path), new DatasetUploadOptions());

        Assert.Equal(50, records.Count);
        Assert.All(records, r => Assert.Equal(FineTuneFormat.Text, r.Format));
        Assert.Equal(new TrainingExample("", firstStory), records[0].ToExample());
    }

    [Fact]
    public void A_record_of_another_format_than_the_stored_one_is_refused_on_reading()
    {
        File.WriteAllText(_path, "{\"instruction\": \"a\", \"output\": \"b\"}\n");
        var file = DatasetHarness.StoredFile(DatasetHarness.Validate("{\"text\": \"x\"}\n"));

        var ex = Assert.Throws<InvalidDataException>(() => DatasetReader.Read(_path, file).ToList());

        Assert.Equal("line 1: missing key 'text'", ex.Message);
    }
}
