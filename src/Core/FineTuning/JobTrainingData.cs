using TuningService.Core.MultiTask;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// The tokenized data a job trains and validates on. For a multi-task job (several task files, or one file whose
/// records carry `task`), <see cref="Train"/> is the mixture the strategy asks for and the per-task lists are kept
/// for per-task metrics.
/// </summary>
public sealed record JobTrainingData(
    TokenizedDataset Train,
    TokenizedDataset? Validation,
    IReadOnlyList<TaskExamples<TokenizedExample>> TrainByTask,
    IReadOnlyList<TaskExamples<TokenizedExample>> ValidationByTask,
    IReadOnlyList<string> Notes)
{
    public bool IsMultiTask => TrainByTask.Count > 1;
}
