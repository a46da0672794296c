using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

/// <summary>The SST-2 samples shipped in samples/ pass validation and read back as written.</summary>
public class SampleFileTests
{
    [Theory]
    [InlineData("sst2-sentiment-train.jsonl", 200)]
    [InlineData("sst2-sentiment-validation.jsonl", 50)]
    public async Task Sample_is_a_valid_prompt_completion_file(string name, int records)
    {
        await using var source = File.OpenRead(RepositoryFiles.Path("samples", name));

        var result = await FineTuneUpload.CopyAndValidateAsync(source, Stream.Null);

        Assert.True(result.Validation.IsValid, string.Join("; ", result.Validation.Errors));
        Assert.Equal(FineTuneFormat.PromptCompletion, result.Validation.Format);
        Assert.Equal(records, result.Validation.RecordCount);
        Assert.Equal(new FileInfo(RepositoryFiles.Path("samples", name)).Length, result.Bytes);
    }

    [Fact]
    public void Training_sample_reads_into_examples()
    {
        var examples = TrainingExampleReader.Read(RepositoryFiles.Path("samples", "sst2-sentiment-train.jsonl"));

        Assert.Equal(200, examples.Count);
        Assert.Equal(new TrainingExample(
            "Review: you do n't have to know about music to appreciate the film 's easygoing blend of comedy and romance . Sentiment:",
            " positive"), examples[0]);
        Assert.All(examples, e => Assert.Contains(e.Completion, new[] { " positive", " negative" }));
    }
}
