using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Datasets;
using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.MultiTask;
using TuningService.Core.Persistence;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>Reads a job's test, retention and (for the ICL baseline) training data into a <see cref="JobEvaluationPlan"/>.</summary>
public static class JobEvaluationPlanner
{
    /// <param name="read">The job's reader: a file's records rendered as training renders them (its template, if any).
    /// Test and training files are read so; retention files, general data of their own shape, by each format's default rendering.</param>
    /// <param name="framing">What the tokens depend on besides the data (objective, context, train_on_inputs, template).</param>
    public static async Task<JobEvaluationPlan> PlanAsync(TuningDbContext db, DataPaths paths, ModelCatalog catalog, FineTuningJob job, CatalogModel baseModel,
        Func<StoredFile, IReadOnlyList<TrainingExample>> read, string framing, JobTrainingData data, EvaluationSettings settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(job);
        var tasks = job.TasksJson is null ? null : JsonSerializer.Deserialize<List<JobTask>>(job.TasksJson)!;
        var retentionIds = job.RetentionFileIdsJson is null ? [] : JsonSerializer.Deserialize<List<string>>(job.RetentionFileIdsJson)!;
        var trainingIds = tasks?.Select(t => t.TrainingFile).ToList() ?? [job.TrainingFileId];
        var ids = retentionIds.Concat(trainingIds).Append(job.TestFileId).OfType<string>().Distinct().ToList();
        var files = await db.Files.AsNoTracking().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
        StoredFile FileById(string id) => files.TryGetValue(id, out var f) ? f : throw new TrainingDataException($"The file {id} was deleted.");

        var notes = new List<string>();
        var test = job.TestFileId is { } testId
            // Untagged test records belong to the task training named untagged records after (the training file's name).
            ? EvaluationDataReader.Read(FileById(testId), read,
                TaskGrouping.DefaultTaskName(tasks is null ? FileById(job.TrainingFileId).Filename : FileById(testId).Filename))
            : job.TestSplit is > 0 ? TestSplit(job, FileById(job.TrainingFileId), read) : null;
        if (test is not null)
            notes.Add($"Evaluation: {(job.TestFileId is null ? "test_split" : "test file")} {test.Name} ({test.Examples.Count} examples) before and after " +
                      $"training; teacher-forced metrics on all of them, generated metrics (greedy) on up to {settings.MaxGeneratedExamples}.");

        IReadOnlyList<TrainingExample> ReadPlain(StoredFile file) => DatasetReader.ReadExamples(paths.Resolve(file.RelativePath), file);
        var retention = retentionIds.Select(id => EvaluationDataReader.Read(FileById(id), ReadPlain, TaskGrouping.DefaultTaskName(FileById(id).Filename))).ToList();
        if (DefaultRetentionSet.For(catalog.BaseModels().FirstOrDefault(b => b.Id == baseModel.RootBaseModel)) is { } builtIn)
            retention.Add(builtIn);
        if (retention.Count > 0)
            notes.Add($"Evaluation: retention data measured before and after training and at each checkpoint: {string.Join(", ", retention.Select(r => r.Name))}.");

        var shots = job.IclShots ?? 0;
        // Shots come from the training data less anything that is also a test example (a test_split's part, a duplicate).
        var testExamples = test?.Examples.ToHashSet() ?? [];
        IReadOnlyList<TrainingExample> pool = shots > 0 && test is not null
            ? [.. (tasks is null ? read(FileById(job.TrainingFileId))
                : tasks.SelectMany(t => read(FileById(t.TrainingFile)).Select(e => e with { Task = e.Task ?? t.Name }))).Where(e => !testExamples.Contains(e))]
            : [];
        if (shots > 0)
            notes.Add(test is null ? "Evaluation: icl_shots needs a test_file; the in-context baseline does not run."
                : $"Evaluation: in-context baseline with {shots} training examples before each test prompt (as many as fit the context).");
        var iclFingerprint = $"{shots};{job.Seed};{string.Join(',', trainingIds.Select(id => FileById(id).Sha256))}";
        return new JobEvaluationPlan(baseModel.Id, framing, settings, test, retention, pool, shots, job.Seed,
            iclFingerprint, PreferredAnswersOnly(data.ValidationByTask), notes);
    }

    /// <summary>A DPO job's checkpoints are evaluated teacher-forced, as a supervised job's: on the preferred answers
    /// of its validation pairs (the DPO metrics of the pairs are the trainer's validation).</summary>
    static IReadOnlyList<TaskExamples<TokenizedExample>> PreferredAnswersOnly(IReadOnlyList<TaskExamples<TokenizedExample>> validation) =>
        validation.Any(t => t.Examples.Any(e => e.IsPair))
            ? [.. validation.Select(t => new TaskExamples<TokenizedExample>(t.Name, [.. t.Examples.Select(e => e with { Rejected = null, Reference = null })]))]
            : validation;

    /// <summary>
    /// The test part of the training file, carved as training carves it (<see cref="JobDataSplit"/>, on the examples
    /// as the job renders them). Its cache identity is the file's bytes and everything the split depends on.
    /// </summary>
    static EvaluationDataset TestSplit(FineTuningJob job, StoredFile training, Func<StoredFile, IReadOnlyList<TrainingExample>> read)
    {
        var examples = read(training);
        var test = JobDataSplit.TestIndices(job, examples).Select(i => examples[i]).ToList();
        var identity = FormattableString.Invariant($"{training.Sha256};test_split={job.TestSplit};validation_split={job.ValidationSplit};seed={job.Seed}");
        return new EvaluationDataset($"{training.Id}:test_split", $"{training.Filename} (test_split {job.TestSplit?.ToString(CultureInfo.InvariantCulture)})",
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity))), EvaluationDataKind.Instruction, test,
            TaskGrouping.DefaultTaskName(training.Filename));
    }
}
