using TuningService.Core.Training.Preference;

namespace TuningService.Core.Training;

/// <summary>
/// One evaluation on the validation examples after step <see cref="Step"/>: loss and accuracy over all their
/// labelled tokens.
/// </summary>
/// <param name="IsBest">The loss is lower than at every earlier evaluation of the run (any decrease counts).</param>
/// <param name="EvaluationsWithoutImprovement">Evaluations in a row, this one included, whose loss did not beat the
/// best before them by more than <see cref="TrainingOptions.EarlyStoppingThreshold"/>; 0 after an improvement.</param>
/// <param name="Preference">The DPO metrics over the validation pairs of a preference run; null otherwise.</param>
public sealed record EvaluationResult(int Step, int Epoch, double Loss, double MeanTokenAccuracy, bool IsBest, int EvaluationsWithoutImprovement,
    PreferenceMetrics? Preference = null);
