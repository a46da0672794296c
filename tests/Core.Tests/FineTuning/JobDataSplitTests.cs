using TuningService.Core.Datasets;
using TuningService.Core.Files;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;
using TuningService.Core.Training;
using static TuningService.Core.Tests.Datasets.DatasetFiles;

namespace TuningService.Core.Tests.FineTuning;

public sealed class JobDataSplitTests
{
    static readonly StoredFile TrainingFile = new()
    {
        Id = "file-train", Owner = "o", Filename = "sst2.jsonl", Purpose = "fine-tune", Sha256 = "", RelativePath = "files/file-train",
    };

    static FineTuningJob Job(double? validation, double? test, int seed = 42) => new()
    {
        Id = "ftjob-1", Owner = "o", Model = "m", TrainingFileId = TrainingFile.Id, RequestedHyperparametersJson = "{}",
        Seed = seed, ValidationSplit = validation, TestSplit = test,
    };

    /// <summary>Builds the job's data with a stand-in tokenizer whose single token is the record's index, so each
    /// tokenized example says which record it came from.</summary>
    static (JobTrainingData Data, List<int> Train, List<int> Validation) Build(FineTuningJob job, IReadOnlyList<TrainingExample> examples)
    {
        var tokens = examples.Select((_, i) => new TokenizedExample([i], [i])).ToList();
        var data = JobTrainingDataBuilder.Build(job, new Dictionary<string, StoredFile> { [TrainingFile.Id] = TrainingFile },
            _ => examples, _ => (new TokenizedDataset(tokens, 0), false));
        return (data, [.. data.Train.Examples.Select(e => e.InputIds[0])], [.. (data.Validation?.Examples ?? []).Select(e => e.InputIds[0])]);
    }

    [Fact]
    public void Training_validation_and_test_take_disjoint_parts_of_the_training_file()
    {
        var records = Read(Sst2Train);
        var examples = records.Select(r => r.ToExample()).ToList();
        var job = Job(0.1, 0.1);
        var (data, train, validation) = Build(job, examples);
        var test = JobDataSplit.TestRecords(job, records).Select(r => (int)r.Position - 1).ToList();

        Assert.Equal((160, 20, 20), (train.Count, validation.Count, test.Count));
        Assert.Equal(Enumerable.Range(0, 200), train.Concat(validation).Concat(test).Order());
        // Stratified as the split endpoint would: the sample's 99 positives keep their share in the test part.
        Assert.True(Math.Abs(test.Count(i => examples[i].Completion == " positive") - 99 * 0.1) < 1);
        Assert.Contains(data.Notes, n => n.Contains("split on the fly: 160 train, 20 validation, 20 test of 200 records (seed 42, stratified by label); 0 duplicates set aside"));
        // The same plan as the endpoint's for the same seed and ratios.
        var plan = DatasetSplitter.Plan(examples, new SplitOptions(new SplitRatios(0.8, 0.1, 0.1), 42));
        Assert.Equal(plan.Part("test")!.Indices, test);
        Assert.Equal(plan.Part("validation")!.Indices, validation.Order());
    }

    [Fact]
    public void A_test_split_alone_leaves_validation_to_the_validation_file()
    {
        var examples = Read(Sst2Train).Select(r => r.ToExample()).ToList();
        var (data, train, validation) = Build(Job(null, 0.25), examples);

        Assert.Equal(150, train.Count);
        Assert.Empty(validation);
        Assert.Null(data.Validation);
        Assert.Equal(50, JobDataSplit.TestRecords(Job(null, 0.25), examples, e => e).Count);
    }

    [Fact]
    public void A_job_without_splits_trains_on_every_record_and_has_no_test_records()
    {
        var records = Read(Sst2Train);
        var (_, train, _) = Build(Job(null, null), [.. records.Select(r => r.ToExample())]);

        Assert.Equal(Enumerable.Range(0, 200), train);
        Assert.Empty(JobDataSplit.TestRecords(Job(null, null), records));
    }

    [Fact]
    public void Too_few_records_for_a_part_fail_the_job_with_a_reason()
    {
        var examples = Read(Sst2Train).Take(5).Select(r => r.ToExample()).ToList();
        var error = Assert.Throws<TrainingDataException>(() => Build(Job(0.05, null), examples));
        Assert.StartsWith("validation_split:", error.Message);
    }

    [Fact]
    public void Test_indices_are_the_records_training_left_out()
    {
        var examples = Read(Sst2Train).Select(r => r.ToExample()).ToList();
        var job = Job(0.15, 0.15, seed: 9);
        var (_, train, validation) = Build(job, examples);

        Assert.Equal(Enumerable.Range(0, 200).Except(train).Except(validation).Order(), JobDataSplit.TestIndices(job, examples));
        Assert.Throws<InvalidOperationException>(() => JobDataSplit.TestRecords(new FineTuningJob
        {
            Id = "ftjob-2", Owner = "o", Model = "m", TrainingFileId = TrainingFile.Id, RequestedHyperparametersJson = "{}",
            TestSplit = 0.1, TemplateJson = "\"qa\"",
        }, Read(Sst2Train)));
    }

    [Fact]
    public void Another_seed_holds_out_other_records()
    {
        var records = Read(Sst2Train);
        Assert.NotEqual(JobDataSplit.TestRecords(Job(0.1, 0.1, seed: 1), records).Select(r => r.Position),
            JobDataSplit.TestRecords(Job(0.1, 0.1, seed: 2), records).Select(r => r.Position));
    }
}
