using TorchSharp;
using TuningService.Core.Datasets;
using TuningService.Core.Files;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using static TuningService.Core.Tests.Datasets.DatasetFiles;

namespace TuningService.Core.Tests.Datasets;

/// <summary>The length rule, judged by the tokenizer training itself uses (TrainingSetup on the loaded model).</summary>
public sealed class LongExampleTests : IDisposable
{
    const int Limit = 64;
    readonly LoadedModel loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, torch.CPU);
    readonly IExampleTokenizer training;
    readonly ExampleTokenCounter counter = ExampleTokenCounter.ForModelFolder(TestPaths.BabyLlama).WithMaxTokens(Limit);

    public LongExampleTests() =>
        training = TrainingSetup.For(loaded, TokenizerLoader.FromModelFolder(TestPaths.BabyLlama), maxSeqLength: Limit).Examples;

    public void Dispose() => loaded.Dispose();

    bool TrainingFits(TrainingExample e) => !training.Tokenize(e.Prompt, e.Completion).WasTruncated;

    [Fact]
    public void Truncation_cuts_the_prompts_start_at_a_word_so_that_training_takes_the_example_whole()
    {
        var records = Read(Sst2Train);
        var tooLong = records.Where(r => !TrainingFits(r.ToExample())).ToDictionary(r => r.Position);
        var result = DatasetCleaner.Clean(records, new CleaningOptions(), counter);

        Assert.NotEmpty(tooLong);
        Assert.Equal(records.Count, result.Records.Count);
        foreach (var record in result.Records.Where(r => tooLong.ContainsKey(r.Position)))
        {
            var original = tooLong[record.Position].Fields["prompt"];
            var cut = record.Fields["prompt"];
            Assert.True(TrainingFits(record.ToExample()), $"position {record.Position} still too long");
            Assert.EndsWith(cut, original);
            Assert.Equal(tooLong[record.Position].Fields["completion"], record.Fields["completion"]);
            var start = original.Length - cut.Length;
            Assert.True(char.IsWhiteSpace(original[start - 1]), $"position {record.Position}: cut inside a word: '{cut}'");
            // The cut is the shortest at a word boundary: keeping the previous word as well would not fit.
            var previousWord = original.LastIndexOf(' ', start - 2) + 1;
            Assert.False(TrainingFits(new TrainingExample(original[previousWord..], record.Fields["completion"])));
        }
        var rule = Assert.Single(result.Report.Rules, r => r.Rule == "too_long");
        Assert.Equal((tooLong.Count, tooLong.Count, 0), (rule.Found, rule.Changed, rule.Removed));
        Assert.Equal(Limit, result.Report.MaxTokens);
    }

    [Fact]
    public void A_completion_that_alone_does_not_fit_is_dropped_even_when_truncating()
    {
        DatasetRecord[] records = [PromptCompletion(1, "Tell a story:", " " + new string('a', 100)), PromptCompletion(2, "Hi:", " there")];
        var result = DatasetCleaner.Clean(records, new CleaningOptions(), counter);

        Assert.Equal(2, Assert.Single(result.Records).Position);
        var example = Assert.Single(Assert.Single(result.Report.Rules, r => r.Rule == "too_long").Examples);
        Assert.Contains("completion alone does not fit", example.Detail);
    }

    [Fact]
    public void A_chat_loses_its_oldest_turns_until_it_fits()
    {
        var story = string.Join(" ", Enumerable.Repeat("once upon a time", 4));
        var chat = Chat(1, new ChatMessage("system", "Tell stories."), new ChatMessage("user", story), new ChatMessage("assistant", story),
            new ChatMessage("user", "Shorter?"), new ChatMessage("assistant", "Yes."));
        Assert.False(TrainingFits(chat.ToExample()));

        var kept = Assert.Single(DatasetCleaner.Clean([chat], new CleaningOptions(), counter).Records);

        var dropped = chat.Messages!.Count - kept.Messages!.Count;
        Assert.True(dropped > 0);
        Assert.Equal(chat.Messages!.Skip(dropped), kept.Messages!);
        Assert.True(TrainingFits(kept.ToExample()));
        Assert.False(TrainingFits(PlainChatTemplate.Render([.. chat.Messages!.Skip(dropped - 1)])));
    }

    [Theory]
    [InlineData(LongExampleAction.Drop)]
    [InlineData(LongExampleAction.Keep)]
    public void Drop_and_keep_act_on_exactly_the_examples_training_would_truncate(LongExampleAction action)
    {
        var records = Read(Sst2Train);
        var tooLong = records.Where(r => !TrainingFits(r.ToExample())).Select(r => r.Position).ToList();
        var result = DatasetCleaner.Clean(records, new CleaningOptions { LongExamples = action, ReportExamples = 100 }, counter);

        var rule = Assert.Single(result.Report.Rules, r => r.Rule == "too_long");
        Assert.Equal(tooLong.Count, rule.Found);
        if (action == LongExampleAction.Drop)
        {
            Assert.Equal(records.Count - tooLong.Count, result.Records.Count);
            Assert.DoesNotContain(result.Records, r => tooLong.Contains(r.Position));
        }
        else
        {
            Assert.Equal(records.Select(r => r.Position), result.Records.Select(r => r.Position));
            Assert.Equal(0, rule.Removed);
        }
    }
}
