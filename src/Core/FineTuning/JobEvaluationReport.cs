using TuningService.Core.Evaluation;

namespace TuningService.Core.FineTuning;

/// <summary>
/// A job's evaluation (GET /v1/fine_tuning/jobs/{id}/evaluation): the test data base vs ICL vs fine-tuned, the
/// forgetting on each retention set, and every checkpoint's trade-off. Built from the job's evaluation rows by
/// <see cref="JobEvaluationReportBuilder"/>.
/// </summary>
/// <param name="Status">A <see cref="JobEvaluationStatus"/> value; <paramref name="Message"/> says what it means for this job.</param>
/// <param name="MaxGeneratedExamples">Generated metrics cover at most this many examples of each dataset.</param>
public sealed record JobEvaluationReport(
    string JobId, string Status, string Message, int MaxGeneratedExamples, TestEvaluationReport? Test,
    IReadOnlyList<RetentionReport> Retention, IReadOnlyList<CheckpointReport> Checkpoints)
{
    public string Object => "fine_tuning.job.evaluation";
}
