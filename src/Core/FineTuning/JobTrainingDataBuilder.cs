using System.Text.Json;
using TuningService.Core.Datasets;
using TuningService.Core.Files;
using TuningService.Core.MultiTask;
using TuningService.Core.Persistence;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// Reads and tokenizes a job's files into <see cref="JobTrainingData"/>. Each file is tokenized once (through the
/// cache) and then split by task, so the tokens of a record never depend on which task it went to.
/// </summary>
public static class JobTrainingDataBuilder
{
    /// <param name="fileById">The job's files (training, validation, tasks' files), by id.</param>
    /// <param name="read">Reads a file's records.</param>
    /// <param name="tokenize">Tokenizes a file's records (cached); says whether the cache had them.</param>
    public static JobTrainingData Build(FineTuningJob job, IReadOnlyDictionary<string, StoredFile> fileById,
        Func<StoredFile, IReadOnlyList<TrainingExample>> read, Func<StoredFile, (TokenizedDataset Dataset, bool Cached)> tokenize)
    {
        var notes = new List<string>();
        var tasks = job.TasksJson is null ? null : JsonSerializer.Deserialize<List<JobTask>>(job.TasksJson)!;
        List<TaskExamples<TokenizedExample>> train = [], validation = [];
        var truncated = 0;

        if (tasks is null)
        {
            var file = fileById[job.TrainingFileId];
            var (dataset, cached) = tokenize(file);
            var (records, tokens) = (read(file), dataset.Examples);
            string? splitNote = null;
            if (JobDataSplit.Applies(job))
            {
                // validation_split/test_split: the whole file is tokenized (and cached) once, and each part takes its
                // records' tokens by index; the test part is left for evaluation (JobDataSplit.TestRecords).
                var plan = JobDataSplit.Plan(job, records);
                if (plan.Part(SplitNames.Validation) is { } held)
                    validation.AddRange(SplitByRecordTask(Pick(records, held.Indices), Pick(tokens, held.Indices), TaskGrouping.DefaultTaskName(file.Filename)));
                var kept = plan.Part(SplitNames.Train)!.Indices;
                (records, tokens) = (Pick(records, kept), Pick(tokens, kept));
                splitNote = $"Training file {file.Id} split on the fly: {plan.Describe()}";
            }
            truncated += tokens.Count(e => e.WasTruncated);
            train.AddRange(SplitByRecordTask(records, tokens, TaskGrouping.DefaultTaskName(file.Filename)));
            notes.Add($"Training file {file.Id}{Cached(cached)}: {dataset.Examples.Count} examples, {dataset.Examples.Sum(e => (long)e.Length):N0} tokens; " +
                      $"{dataset.TruncatedCount} truncated to fit (prompt start dropped first).");
            if (splitNote is not null) notes.Add(splitNote);
            if (job.ValidationFileId is { } v)
            {
                var vfile = fileById[v];
                var (vset, vcached) = tokenize(vfile);
                validation.AddRange(SplitByRecordTask(read(vfile), vset.Examples, TaskGrouping.DefaultTaskName(file.Filename)));
                notes.Add($"Validation file {vfile.Id}{Cached(vcached)}: {vset.Examples.Count} examples; {vset.TruncatedCount} truncated.");
            }
        }
        else
        {
            foreach (var task in tasks)
            {
                var (dataset, cached) = tokenize(fileById[task.TrainingFile]);
                truncated += dataset.TruncatedCount;
                train.Add(new TaskExamples<TokenizedExample>(task.Name, dataset.Examples));
                notes.Add($"Task {task.Name}: training file {task.TrainingFile}{Cached(cached)}, {dataset.Examples.Count} examples, {dataset.TruncatedCount} truncated.");
                if (task.ValidationFile is { } v)
                    validation.Add(new TaskExamples<TokenizedExample>(task.Name, tokenize(fileById[v]).Dataset.Examples));
            }
            if (job.ValidationFileId is { } shared)
                validation.Add(new TaskExamples<TokenizedExample>("validation_file", tokenize(fileById[shared]).Dataset.Examples));
        }
        if (validation.Count == 0) notes.Add("No validation data: validation metrics will not be reported.");

        var examples = train.Count == 1 ? train[0].Examples : Mix(job, tasks, train, notes);
        var validationSet = validation.Count == 0 ? null
            : new TokenizedDataset(validation.SelectMany(t => t.Examples).ToList(), 0);
        return new JobTrainingData(new TokenizedDataset(examples, truncated), validationSet, train, validation, notes);
    }

    static List<T> Pick<T>(IReadOnlyList<T> items, IReadOnlyList<int> indices) => [.. indices.Select(i => items[i])];

    /// <summary>One file's records, grouped by their `task` (records without one go to <paramref name="defaultTask"/>).</summary>
    static IEnumerable<TaskExamples<TokenizedExample>> SplitByRecordTask(IReadOnlyList<TrainingExample> records,
        IReadOnlyList<TokenizedExample> tokens, string defaultTask) =>
        records.Select((r, i) => (Task: string.IsNullOrWhiteSpace(r.Task) ? defaultTask : r.Task!, Tokens: tokens[i]))
            .GroupBy(x => x.Task, StringComparer.Ordinal)
            .Select(g => new TaskExamples<TokenizedExample>(g.Key, g.Select(x => x.Tokens).ToList()));

    /// <summary>
    /// The training list for a multi-task job, mixed as the job's strategy says. One mixture is drawn (for epoch 1)
    /// and every epoch trains on it, shuffled anew by the trainer.
    /// </summary>
    static IReadOnlyList<TokenizedExample> Mix(FineTuningJob job, List<JobTask>? tasks, List<TaskExamples<TokenizedExample>> train, List<string> notes)
    {
        var mixingValues = job.MixingJson is null ? null : JsonSerializer.Deserialize<MixingRequestValues>(job.MixingJson);
        var options = MultiTaskRequestRules.ToOptions(mixingValues);
        var weights = tasks?.ToDictionary(t => t.Name, t => t.Weight) ?? [];
        var mixture = TaskMixture.Compute(
            train.Select(t => new MixtureTask(t.Name, t.Examples.Count, weights.GetValueOrDefault(t.Name, 1.0))).ToList(), options);
        var epoch = new MixedEpochBuilder<TokenizedExample>(mixture, train.Select(t => t.Examples).ToList()).Build(job.Seed, 1);
        notes.Add($"Multi-task mixing ({MixingStrategyNames.NameOf(options.Strategy)}" +
                  $"{(options.Cap is { } cap ? $", cap {cap}" : "")}{(options.Strategy == MixingStrategy.Temperature ? $", temperature {options.Temperature}" : "")}): " +
                  $"{epoch.Describe()}. Each epoch trains on this mixture, reshuffled.");
        return epoch.Examples;
    }

    static string Cached(bool cached) => cached ? " (tokens from the cache)" : "";
}
