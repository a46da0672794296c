using TuningService.Core.Evaluation;
using TuningService.Core.FineTuning;
using TuningService.Core.Persistence;
using EvaluationRow = TuningService.Core.Persistence.EvaluationResult;

namespace TuningService.Core.Tests.FineTuning;

/// <summary>The report and the CSV assembled from evaluation rows written by hand.</summary>
public sealed class JobEvaluationReportTests
{
    static TaskEvaluation Task(string name, double loss, double accuracy) =>
        new(name, new TeacherForcedMetrics(4, 40, loss, Math.Exp(loss), accuracy), null);

    static DatasetEvaluation Dataset(string id, double loss, double accuracy, string output, EvaluationDataKind kind = EvaluationDataKind.Instruction) =>
        new(id, id + ".jsonl", kind, 4, Task("overall", loss, accuracy), [Task("a", loss, accuracy), Task("b", loss + 1, accuracy)],
            kind == EvaluationDataKind.Text ? [] : [new GeneratedSample(3, "a", "p?", " yes", output)]);

    static EvaluationRow Row(string subject, string role, DatasetEvaluation evaluation, int? step = null, string model = "m") => new()
    {
        Id = $"eval-{subject}-{role}-{evaluation.DatasetId}-{step}", JobId = "ftjob-1", Subject = subject, Step = step, DatasetRole = role,
        Model = subject == EvaluationSubjects.Checkpoint ? $"ft:m:ckpt-step-{step}" : model, DatasetId = evaluation.DatasetId,
        ReportJson = EvaluationJson.Serialize(evaluation),
    };

    static FineTuningJob Job(string status) =>
        new() { Id = "ftjob-1", Owner = "o", Model = "m", TrainingFileId = "f", RequestedHyperparametersJson = "{}", Status = status };

    static readonly EvaluationRow[] Rows =
    [
        Row(EvaluationSubjects.Base, EvaluationRoles.Test, Dataset("test", 2.0, 0.25, " no")),
        Row(EvaluationSubjects.Icl, EvaluationRoles.Test, Dataset("test", 1.5, 0.5, " maybe")),
        Row(EvaluationSubjects.Base, EvaluationRoles.Retention, Dataset("stories", 1.0, 0.75, "", EvaluationDataKind.Text)),
        Row(EvaluationSubjects.Checkpoint, EvaluationRoles.Retention, Dataset("stories", 1.2, 0.7, "", EvaluationDataKind.Text), step: 4),
        Row(EvaluationSubjects.Checkpoint, EvaluationRoles.Validation, Dataset("validation", 0.9, 0.8, ""), step: 4),
        Row(EvaluationSubjects.FineTuned, EvaluationRoles.Test, Dataset("test", 0.5, 0.75, " yes")),
        Row(EvaluationSubjects.FineTuned, EvaluationRoles.Retention, Dataset("stories", 1.5, 0.5, "", EvaluationDataKind.Text)),
    ];

    [Fact]
    public void The_report_compares_base_icl_and_fine_tuned_and_states_the_forgetting()
    {
        var report = JobEvaluationReportBuilder.Build(Job(JobStatus.Succeeded), Rows, EvaluationSettings.Default);

        Assert.Equal((JobEvaluationStatus.Complete, 200), (report.Status, report.MaxGeneratedExamples));
        var test = report.Test!;
        var accuracy = test.Change.Single(c => c.Metric == "mean_token_accuracy");
        Assert.Equal((0.25, 0.75, 0.5, -0.5), (accuracy.Before, accuracy.After, accuracy.Change, accuracy.Worsening));
        var loss = test.Change.Single(c => c.Metric == "loss");
        Assert.Equal((-1.5, -1.5), (loss.Change, loss.Worsening));
        Assert.Equal(0.25, test.IclChange.Single(c => c.Metric == "mean_token_accuracy").Change);
        Assert.Equal(["a", "b"], test.PerTask.Select(t => t.Task));
        Assert.Equal(new SideBySideSample(3, "a", "p?", " yes", " no", " maybe", " yes"), Assert.Single(test.Samples));

        var stories = Assert.Single(report.Retention);
        var perplexity = stories.Forgetting.Single(c => c.Metric == "perplexity");
        Assert.Equal(Math.Exp(1.5) - Math.Exp(1.0), perplexity.Worsening, 12); // higher perplexity after: forgetting
        Assert.Equal("On stories.jsonl, perplexity went from 2.718 to 4.482 (+64.9%) after fine-tuning.", stories.Summary);

        var checkpoint = Assert.Single(report.Checkpoints);
        Assert.Equal((4, "ft:m:ckpt-step-4", 0.9), (checkpoint.Step, checkpoint.Model, checkpoint.Validation!.TeacherForced!.Loss));
        Assert.Equal(1.2, Assert.Single(checkpoint.Retention).TeacherForced!.Loss);
    }

    [Theory]
    [InlineData(JobStatus.Queued, 0, JobEvaluationStatus.NotStarted)]
    [InlineData(JobStatus.Running, 0, JobEvaluationStatus.NotStarted)]
    [InlineData(JobStatus.Running, 2, JobEvaluationStatus.InProgress)]
    [InlineData(JobStatus.Failed, 2, JobEvaluationStatus.Incomplete)]
    [InlineData(JobStatus.Paused, 2, JobEvaluationStatus.Incomplete)]
    [InlineData(JobStatus.Succeeded, 0, JobEvaluationStatus.Complete)]
    public void The_status_says_how_far_evaluation_got(string jobStatus, int rows, string expected)
    {
        var report = JobEvaluationReportBuilder.Build(Job(jobStatus), Rows[..rows], EvaluationSettings.Default);

        Assert.Equal(expected, report.Status);
        Assert.Equal(rows == 0, report.Test is null);
    }

    [Fact]
    public void The_csv_has_a_line_per_model_dataset_and_task_with_quoted_fields()
    {
        var named = Row(EvaluationSubjects.Base, EvaluationRoles.Test, Dataset("a,b", 2.0, 0.25, ""), model: "say \"hi\"");

        var lines = EvaluationCsv.Write([named, Rows[5]]).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("subject,model,step,dataset_role,dataset_id,task,examples,tokens,generated_examples,loss,perplexity,mean_token_accuracy," +
                     "exact_match,normalized_exact_match,rouge1,rouge2,rouge_l,bleu,accuracy,macro_f1,preference_accuracy,mean_logprob_margin", lines[0]);
        Assert.Equal(7, lines.Length); // the base model first, then the fine-tuned one; overall, then each task
        Assert.StartsWith("base,\"say \"\"hi\"\"\",,test,\"a,b\",overall,4,40,,2,7.3890561,0.25,,", lines[1]);
        Assert.Equal(["overall", "a", "b"], lines[4..].Select(l => l.Split(',')[5]));
        Assert.StartsWith("fine_tuned,m,,test,test,overall,", lines[4]);
    }
}
