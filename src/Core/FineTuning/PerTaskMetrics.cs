using TuningService.Core.MultiTask;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// A multi-task job's per-task figures at an epoch end: validation loss and token accuracy on each task's validation
/// examples, and training loss and accuracy measured the same way (teacher-forced, eval mode) on up to
/// <see cref="TrainSample"/> of each task's training examples.
/// </summary>
public static class PerTaskMetrics
{
    public const int TrainSample = 64;
    const int BatchSize = 16;

    public static Dictionary<string, object?> Evaluate(ITrainingObjective objective, int paddingId, JobTrainingData data, CancellationToken ct)
    {
        var evaluator = new PerTaskEvaluator(objective, BatchSize, paddingId);
        var train = evaluator.Evaluate(data.TrainByTask.Select(t => t with { Examples = t.Examples.Take(TrainSample).ToList() }).ToList(), ct);
        var result = new Dictionary<string, object?>();
        foreach (var t in train.Tasks)
            result[t.Task] = new Dictionary<string, object?> { ["train_loss"] = t.Loss, ["train_mean_token_accuracy"] = t.TokenAccuracy };
        if (data.ValidationByTask.Count > 0)
            foreach (var v in evaluator.Evaluate(data.ValidationByTask, ct).Tasks)
            {
                var entry = result.TryGetValue(v.Task, out var existing) ? (Dictionary<string, object?>)existing! : [];
                entry["valid_loss"] = v.Loss;
                entry["valid_mean_token_accuracy"] = v.TokenAccuracy;
                result[v.Task] = entry;
            }
        return result;
    }
}
