using TuningService.Core.Training.Preference;

namespace TuningService.Core.Training;

/// <summary>
/// One optimizer step. <see cref="Step"/> counts steps from 1 across epochs; <see cref="Epoch"/> counts from 1.
/// <see cref="TokensPerSecond"/> is measured over the group of steps reported together (a single step's host time
/// means nothing while the device runs asynchronously), so steps of one group share it.
/// <see cref="Preference"/> holds the DPO metrics of a preference step (null otherwise).
/// </summary>
public sealed record StepMetrics(
    int Step,
    int Epoch,
    double TrainLoss,
    double TrainMeanTokenAccuracy,
    double LearningRate,
    double GradNorm,
    double TokensPerSecond,
    PreferenceMetrics? Preference = null);
