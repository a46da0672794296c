using TuningService.Core.Files;
using TuningService.Core.MultiTask;
using TuningService.Core.Tests.Files;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.MultiTask;

/// <summary>The three T0 task samples in samples/multitask: valid files that mix as their sizes say and fit the shipped model.</summary>
public class MultiTaskSampleTests
{
    private static readonly (string Task, int Train)[] SampleTasks = [("common_gen", 80), ("commonsense_qa", 40), ("hotpotqa", 20)];

    private static string Sample(string name) => RepositoryFiles.Path("samples", "multitask", name);

    public static TheoryData<string, int> Files => new()
    {
        { "common_gen-train.jsonl", 80 }, { "commonsense_qa-train.jsonl", 40 }, { "hotpotqa-train.jsonl", 20 },
        { "common_gen-validation.jsonl", 20 }, { "commonsense_qa-validation.jsonl", 20 }, { "hotpotqa-validation.jsonl", 20 },
        { "mixed-train.jsonl", 60 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Sample_is_a_valid_prompt_completion_file(string name, int records)
    {
        await using var source = File.OpenRead(Sample(name));

        var result = await FineTuneUpload.CopyAndValidateAsync(source, Stream.Null);

        Assert.True(result.Validation.IsValid, string.Join("; ", result.Validation.Errors));
        Assert.Equal((FineTuneFormat.PromptCompletion, records), (result.Validation.Format, result.Validation.RecordCount));
    }

    [Fact]
    public void Every_sample_fits_the_shipped_model_without_unknown_characters()
    {
        ITextTokenizer tokenizer = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);
        var tokenize = new ExampleTokenizer(tokenizer, maxLength: 256);
        foreach (string name in Files.Select(row => (string)row[0]))
        {
            IReadOnlyList<TrainingExample> examples = TrainingExampleReader.Read(Sample(name));
            TokenizedDataset dataset = tokenize.TokenizeAll(examples.Select(e => (e.Prompt, e.Completion)));
            Assert.Equal(0, dataset.TruncatedCount);
            Assert.DoesNotContain(dataset.Examples, e => e.InputIds.Contains(tokenizer.UnkId!.Value));
        }
    }

    [Fact]
    public void The_mixed_file_groups_into_the_three_tasks()
    {
        IReadOnlyList<TaskExamples<TrainingExample>> tasks = TaskGrouping.ByTask(TrainingExampleReader.Read(Sample("mixed-train.jsonl")));

        Assert.Equal(SampleTasks.Select(t => (t.Task, 20)), tasks.Select(t => (t.Name, t.Examples.Count)));
        // The mixed file's records are the first 20 of each task's training file.
        Assert.Equal(TrainingExampleReader.Read(Sample("hotpotqa-train.jsonl")).Take(20), tasks[2].Examples.Select(e => e with { Task = null }));
    }

    [Fact]
    public void The_three_tasks_mix_with_a_cap_as_their_sizes_say()
    {
        var perTask = SampleTasks.Select(t => TrainingExampleReader.Read(Sample($"{t.Task}-train.jsonl"))).ToArray();
        TaskMixture mixture = TaskMixture.Compute(
            SampleTasks.Select((t, m) => new MixtureTask(t.Task, perTask[m].Count)).ToList(), new MixingOptions(Cap: 40));

        MixedEpoch<TrainingExample> epoch = new MixedEpochBuilder<TrainingExample>(mixture, perTask).Build(seed: 42, epoch: 1);

        // Capped sizes 40, 40, 20: rates 0.4, 0.4, 0.2 of the default 100; common_gen is subsampled, the others used whole.
        Assert.Equal(
            [("common_gen", 80, 40, 40), ("commonsense_qa", 40, 40, 40), ("hotpotqa", 20, 20, 20)],
            epoch.Usage.Select(u => (u.Task, u.ExamplesAvailable, u.ExamplesUsed, u.DistinctExamplesUsed)));
        Assert.Equal([0.4, 0.4, 0.2], mixture.Rates.Select(r => Math.Round(r, 12)));
        Assert.Equal(100, epoch.Examples.Distinct().Count());
    }
}
