using System.Globalization;
using TuningService.Core.Evaluation;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>Assembles a <see cref="JobEvaluationReport"/> from a job's evaluation rows.</summary>
public static class JobEvaluationReportBuilder
{
    public static JobEvaluationReport Build(FineTuningJob job, IReadOnlyList<EvaluationResult> rows, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(settings);
        var results = rows.OrderBy(r => r.CreatedAt).Select(r => (Row: r, Evaluation: EvaluationRows.Read(r))).ToList();
        DatasetEvaluation? Find(string subject, string role, string datasetId) =>
            results.LastOrDefault(r => r.Row.Subject == subject && r.Row.DatasetRole == role && r.Row.DatasetId == datasetId).Evaluation;
        IEnumerable<string> Datasets(string role) => results.Where(r => r.Row.DatasetRole == role && r.Row.Subject != EvaluationSubjects.Checkpoint)
            .Select(r => r.Row.DatasetId).Distinct();

        var test = Datasets(EvaluationRoles.Test).Select(id => Test(Find(EvaluationSubjects.Base, EvaluationRoles.Test, id),
            Find(EvaluationSubjects.Icl, EvaluationRoles.Test, id), Find(EvaluationSubjects.FineTuned, EvaluationRoles.Test, id))).FirstOrDefault();
        var retention = Datasets(EvaluationRoles.Retention).Select(id => Retention(Find(EvaluationSubjects.Base, EvaluationRoles.Retention, id),
            Find(EvaluationSubjects.FineTuned, EvaluationRoles.Retention, id))).ToList();
        var checkpoints = results.Where(r => r.Row.Subject == EvaluationSubjects.Checkpoint).GroupBy(r => r.Row.Step ?? 0).OrderBy(g => g.Key)
            .Select(g => Checkpoint(g.Key, g.First().Row.Model, g.ToList())).ToList();
        var (status, message) = Status(job, rows.Count);
        return new JobEvaluationReport(job.Id, status, message, settings.MaxGeneratedExamples, test, retention, checkpoints);
    }

    static TestEvaluationReport Test(DatasetEvaluation? @base, DatasetEvaluation? icl, DatasetEvaluation? tuned)
    {
        var any = (@base ?? tuned ?? icl)!;
        var tasks = new[] { @base, icl, tuned }.OfType<DatasetEvaluation>().SelectMany(e => e.Tasks.Select(t => t.Task)).Distinct();
        var perTask = tasks.Select(task => Compare(task, TaskOf(@base, task), TaskOf(icl, task), TaskOf(tuned, task))).ToList();
        var samples = new[] { @base, icl, tuned }.OfType<DatasetEvaluation>().SelectMany(e => e.Samples).GroupBy(s => s.Index).OrderBy(g => g.Key)
            .Select(g => new SideBySideSample(g.Key, g.First().Task, SampleOf(@base, g.Key)?.Prompt ?? SampleOf(tuned, g.Key)?.Prompt ?? g.First().Prompt,
                g.First().Expected, SampleOf(@base, g.Key)?.Output, SampleOf(icl, g.Key)?.Output, SampleOf(tuned, g.Key)?.Output)).ToList();
        return new TestEvaluationReport(any.DatasetId, any.DatasetName, any.Records, @base?.Overall, icl?.Overall, tuned?.Overall, icl?.Icl,
            MetricChange.Between(@base?.Overall, tuned?.Overall), MetricChange.Between(@base?.Overall, icl?.Overall), perTask, samples);
    }

    static RetentionReport Retention(DatasetEvaluation? before, DatasetEvaluation? after)
    {
        var any = (before ?? after)!;
        var forgetting = MetricChange.Between(before?.Overall, after?.Overall);
        var perTask = any.Tasks.Count < 2 ? [] : any.Tasks.Select(t => Compare(t.Task, TaskOf(before, t.Task), null, TaskOf(after, t.Task))).ToList();
        return new RetentionReport(any.DatasetId, any.DatasetName, any.Kind, any.Records, before?.Overall, after?.Overall, forgetting,
            Summarise(any.DatasetName, forgetting), perTask);
    }

    static CheckpointReport Checkpoint(int step, string model, List<(EvaluationResult Row, DatasetEvaluation Evaluation)> rows)
    {
        var validation = rows.FirstOrDefault(r => r.Row.DatasetRole == EvaluationRoles.Validation).Evaluation;
        var retention = rows.Where(r => r.Row.DatasetRole == EvaluationRoles.Retention)
            .Select(r => new CheckpointRetention(r.Evaluation.DatasetId, r.Evaluation.DatasetName, r.Evaluation.Overall.TeacherForced)).ToList();
        return new CheckpointReport(step, model, validation?.Overall, validation?.Tasks ?? [], retention);
    }

    static TaskComparison Compare(string task, TaskEvaluation? @base, TaskEvaluation? icl, TaskEvaluation? tuned) =>
        new(task, @base, icl, tuned, MetricChange.Between(@base, tuned));

    static TaskEvaluation? TaskOf(DatasetEvaluation? evaluation, string task) => evaluation?.Tasks.FirstOrDefault(t => t.Task == task);

    static GeneratedSample? SampleOf(DatasetEvaluation? evaluation, int index) => evaluation?.Samples.FirstOrDefault(s => s.Index == index);

    /// <summary>"Perplexity on x went from 2.35 to 2.61 (+11.1%)", with accuracy or exact match when they were measured.</summary>
    static string? Summarise(string name, IReadOnlyList<MetricChange> changes)
    {
        var parts = changes.Where(c => c.Metric is "perplexity" or "accuracy" or "exact_match").Select(c => c.Metric == "perplexity"
            ? string.Create(CultureInfo.InvariantCulture, $"perplexity went from {c.Before:0.###} to {c.After:0.###} ({c.Change / c.Before:+0.0%;-0.0%;0.0%})")
            : string.Create(CultureInfo.InvariantCulture, $"{c.Metric.Replace('_', ' ')} went from {c.Before:0.0%} to {c.After:0.0%}")).ToList();
        return parts.Count == 0 ? null : $"On {name}, {string.Join("; ", parts)} after fine-tuning.";
    }

    static (string Status, string Message) Status(FineTuningJob job, int rows) => job.Status switch
    {
        JobStatus.Succeeded when rows == 0 => (JobEvaluationStatus.Complete,
            "Nothing was evaluated: the job has no test_file, retention_files or validation data, and its base model no default retention set."),
        JobStatus.Succeeded => (JobEvaluationStatus.Complete, "The job succeeded; every evaluation it runs is in this report."),
        JobStatus.Running when rows > 0 => (JobEvaluationStatus.InProgress,
            "The job is running: the base model's results (and each saved checkpoint's) are in; the fine-tuned model's come when training ends."),
        JobStatus.Failed or JobStatus.Cancelled or JobStatus.Paused => (JobEvaluationStatus.Incomplete,
            $"The job is {job.Status}; this report holds what was measured before it stopped."),
        _ => (JobEvaluationStatus.NotStarted, $"Evaluation has not run yet: the job is {job.Status}. The base model is evaluated when training starts."),
    };
}
