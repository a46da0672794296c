using TuningService.Core.MultiTask;
using TuningService.Core.Training;

namespace TuningService.Core.Evaluation;

/// <summary>
/// Teacher-forced metrics per task and overall. The examples are tokenized by the trainer's own example tokenizer
/// (or <see cref="PlainTextSequences"/>) and scored by the trainer's objective through <see cref="PerTaskEvaluator"/>:
/// the same labels, masking and loss as training and validation, in eval mode without gradients, one dispose scope
/// per batch and one read back from the device at the end.
/// </summary>
public static class TeacherForcedEvaluator
{
    public static (TeacherForcedMetrics Overall, IReadOnlyList<(string Task, TeacherForcedMetrics Metrics)> Tasks) Evaluate(
        TrainingSetup setup, IReadOnlyList<TaskExamples<TokenizedExample>> tasks, int batchSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var result = new PerTaskEvaluator(setup.Objective, batchSize, setup.Examples.PaddingId).Evaluate(tasks, ct);
        return (TeacherForcedMetrics.From(result), result.Tasks.Select(t => (t.Task, TeacherForcedMetrics.From(t))).ToList());
    }
}
