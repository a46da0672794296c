namespace TuningService.Core.Training;

/// <summary>
/// Where a run stands at a step boundary: everything besides the model's weights and the optimizer's moments that
/// an exact continuation needs. Saved as <c>trainer_state.json</c> (see <see cref="TrainingResumeState"/>).
/// Random numbers need no entry: the data order is a function of (seed, epoch), and torch's generators are reseeded
/// from (seed, step) before every step (TorchSharp cannot read a CUDA generator's state, so it could not be saved).
/// </summary>
public sealed record TrainerState
{
    public const int CurrentFormatVersion = 1;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>The settings that fix the sequence of updates (see <see cref="SupervisedTrainer"/>); a resume must match them.</summary>
    public string Trajectory { get; init; } = "";

    /// <summary>Optimizer steps completed (the next step's 0-based index, which is also the schedule's position).</summary>
    public int Step { get; init; }

    /// <summary>The epoch in progress, from 1.</summary>
    public int Epoch { get; init; } = 1;

    /// <summary>Batches of <see cref="Epoch"/>'s order already trained on; equal to the epoch's batch count at its end.</summary>
    public int BatchesDoneInEpoch { get; init; }

    /// <summary>True when the run stopped during the evaluation due after <see cref="Step"/>: a resume runs that
    /// evaluation (and the epoch summary and checkpoint after it) before training on.</summary>
    public bool EvaluationPending { get; init; }

    /// <summary>Sums over the epoch's steps reported so far, for the epoch's mean train loss and accuracy.</summary>
    public double EpochTrainLossSum { get; init; }
    public double EpochTrainAccuracySum { get; init; }
    public int EpochStepsReported { get; init; }

    public double? BestValidationLoss { get; init; }
    public int? BestStep { get; init; }

    /// <summary>Early stopping's patience counter (see <see cref="EvaluationResult.EvaluationsWithoutImprovement"/>).</summary>
    public int EvaluationsWithoutImprovement { get; init; }

    internal static TrainerState Start(string trajectory) => new() { Trajectory = trajectory };

    internal TrainerState StartEpoch(int epoch) => this with
    {
        Epoch = epoch, BatchesDoneInEpoch = 0, EpochTrainLossSum = 0, EpochTrainAccuracySum = 0, EpochStepsReported = 0,
    };

    internal TrainerState AfterStep(int batches) => this with { Step = Step + 1, BatchesDoneInEpoch = BatchesDoneInEpoch + batches };

    internal TrainerState WithReported(IEnumerable<StepMetrics> steps)
    {
        TrainerState state = this;
        foreach (StepMetrics step in steps)
        {
            state = state with
            {
                EpochTrainLossSum = state.EpochTrainLossSum + step.TrainLoss,
                EpochTrainAccuracySum = state.EpochTrainAccuracySum + step.TrainMeanTokenAccuracy,
                EpochStepsReported = state.EpochStepsReported + 1,
            };
        }
        return state;
    }

    /// <summary>
    /// Records a validation loss measured after <see cref="Step"/>. As transformers: the best loss follows every
    /// decrease, but only a decrease by more than <paramref name="threshold"/> resets the patience counter. NaN is
    /// never an improvement.
    /// </summary>
    internal TrainerState WithEvaluation(double loss, double threshold)
    {
        bool beatsBest = BestValidationLoss is not double best || loss < best;
        bool improves = BestValidationLoss is not double previous || loss < previous - threshold;
        return this with
        {
            BestValidationLoss = beatsBest && !double.IsNaN(loss) ? loss : BestValidationLoss,
            BestStep = beatsBest && !double.IsNaN(loss) ? Step : BestStep,
            EvaluationsWithoutImprovement = improves && !double.IsNaN(loss) ? 0 : EvaluationsWithoutImprovement + 1,
        };
    }
}
