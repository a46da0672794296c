using TuningService.Core.Datasets;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// A job's on-the-fly split: its validation_split and test_split carve the training file with
/// <see cref="DatasetSplitter"/> (seed = the job's seed, stratify = auto), exactly as POST /v1/files/{id}/split
/// would. Training takes the train part and validates on the validation part; evaluation takes the test part.
/// Everyone who needs a part calls this with the training file's examples as training reads them (same
/// rendering, same order), so the parts always agree.
/// </summary>
public static class JobDataSplit
{
    /// <summary>Whether the job holds out part of its training file.</summary>
    public static bool Applies(FineTuningJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.ValidationSplit is > 0 || job.TestSplit is > 0;
    }

    /// <summary>The split the job asks for: train gets what validation_split and test_split leave.</summary>
    public static SplitOptions Options(FineTuningJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        double validation = job.ValidationSplit ?? 0, test = job.TestSplit ?? 0;
        return new SplitOptions(new SplitRatios(1 - validation - test, validation, test), job.Seed, StratifyBy.Auto);
    }

    /// <summary>Where each training example goes (indices into <paramref name="examples"/>).</summary>
    /// <exception cref="TrainingDataException">The file cannot be split so (e.g. too few records for a part).</exception>
    public static SplitPlan Plan(FineTuningJob job, IReadOnlyList<TrainingExample> examples)
    {
        try
        {
            return DatasetSplitter.Plan(examples, Options(job));
        }
        catch (SplitException e)
        {
            var option = e.Param switch { SplitNames.Validation => "validation_split", SplitNames.Test => "test_split", _ => "validation_split/test_split" };
            throw new TrainingDataException($"{option}: {e.Message}");
        }
    }

    /// <summary>
    /// Which of the training file's examples are the job's test set (indices in file order; empty without a
    /// test_split). <paramref name="examples"/> must be the file's examples as the job's training reads them:
    /// with a template, TemplateRenderer.ReadExamples(path, file, JobTemplate.FromJson(job.TemplateJson), job.Seed).
    /// </summary>
    public static IReadOnlyList<int> TestIndices(FineTuningJob job, IReadOnlyList<TrainingExample> examples)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.TestSplit is > 0 ? Plan(job, examples).Part(SplitNames.Test)!.Indices : [];
    }

    /// <summary>
    /// The job's test records: the test part of <paramref name="records"/> (the training file's records, in file
    /// order), rendered by <paramref name="render"/> as the job's training renders them. Empty when the job has
    /// no test_split.
    /// </summary>
    public static IReadOnlyList<T> TestRecords<T>(FineTuningJob job, IReadOnlyList<T> records, Func<T, TrainingExample> render)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(render);
        if (job.TestSplit is not > 0) return [];
        return [.. TestIndices(job, [.. records.Select(render)]).Select(i => records[i])];
    }

    /// <summary>The job's test records, for a job that renders records by default (no template).</summary>
    /// <exception cref="InvalidOperationException">The job has a template: its examples differ from the default
    /// rendering, so the split must be made on them (<see cref="TestIndices"/>).</exception>
    public static IReadOnlyList<DatasetRecord> TestRecords(FineTuningJob job, IReadOnlyList<DatasetRecord> records)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.TemplateJson is not null)
            throw new InvalidOperationException($"Job {job.Id} has a template: split its templated examples with TestIndices.");
        return TestRecords(job, records, RecordText.Render);
    }
}
