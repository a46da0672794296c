using System.Globalization;
using TuningService.Core.Models;
using TuningService.Core.Models.Checkpointing;
using TuningService.Core.Training.Preference;

namespace TuningService.Core.Training;

/// <summary>
/// Full fine-tuning of a language model (decoder-only or encoder-decoder, see <see cref="ITrainingObjective"/>) on
/// (prompt, completion) examples: AdamW, warmup and decay, global-norm clipping, loss on completion tokens only,
/// batches of similar-length examples unless <see cref="TrainingOptions.LengthBucketing"/> is off, optional
/// gradient accumulation, bf16, periodic evaluation, early stopping, checkpoints and exact resumption. The loop
/// itself is <see cref="TrainingRun"/>.
/// </summary>
public sealed class SupervisedTrainer
{
    private readonly ITrainingObjective _objective;
    private readonly TrainingOptions _options;
    private readonly ITrainingObserver _observer;

    /// <summary>A decoder-only model trained on next-token prediction.</summary>
    public SupervisedTrainer(CausalLanguageModel model, TrainingOptions options, ITrainingObserver observer)
        : this(new CausalObjective(model), options, observer)
    {
    }

    public SupervisedTrainer(ITrainingObjective objective, TrainingOptions options, ITrainingObserver observer)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.GradientAccumulationSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.LearningRate);
        ArgumentOutOfRangeException.ThrowIfNegative(options.WeightDecay);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxGradNorm);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MetricsInterval, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CheckpointEverySteps);
        ArgumentOutOfRangeException.ThrowIfNegative(options.EvalEverySteps);
        ArgumentOutOfRangeException.ThrowIfNegative(options.EarlyStoppingPatience);
        ArgumentOutOfRangeException.ThrowIfNegative(options.EarlyStoppingThreshold);
        if (!Enum.IsDefined(options.Precision))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Unknown precision {options.Precision}.");
        }
        if (!Enum.IsDefined(options.Optimizer))
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"Unknown optimizer {options.Optimizer}.");
        }
        if (options.OptimizerInBackward)
        {
            CheckOptimizerInBackward(objective, options);
        }
        if (options.Packing && !objective.SupportsPacking)
        {
            throw new ArgumentException(objective.LabelsAreShifted
                ? "Packing needs a model that keeps packed examples apart (CausalLanguageModel.SupportsPacking); this one does not."
                : "Packing is for decoder-only models; an encoder-decoder (seq2seq) model trains on one example per row.", nameof(options));
        }
        ArgumentOutOfRangeException.ThrowIfNegative(options.LossChunkPositions);
        _objective = objective;
        _options = options;
        _observer = observer;
    }

    /// <summary>Stepping each block's weights during the backward pass needs each weight's update to depend on its own
    /// gradient only, and a model that reports its blocks' backward.</summary>
    private static void CheckOptimizerInBackward(ITrainingObjective objective, TrainingOptions options)
    {
        if (options.GradientAccumulationSteps > 1)
        {
            throw new ArgumentException(
                $"optimizer_in_backward updates each block's weights during the backward pass of a single batch, so it cannot accumulate " +
                $"gradients over {options.GradientAccumulationSteps} batches: set gradient_accumulation_steps to 1 or turn optimizer_in_backward off.",
                nameof(options));
        }
        if (options.MaxGradNorm > 0)
        {
            throw new ArgumentException(
                "optimizer_in_backward cannot clip gradients by their global norm (max_grad_norm): that norm needs every gradient before " +
                "the first update, and in-backward updates free each block's gradients as they go. Set max_grad_norm to 0 or turn optimizer_in_backward off.",
                nameof(options));
        }
    }

    /// <summary>
    /// Trains in place until every epoch has run, early stopping decides, or <paramref name="cancellationToken"/>
    /// fires (checked at each step boundary and during evaluation); the result says which. After a cancellation
    /// the model holds the weights of the last completed step. With <paramref name="resume"/> the run continues
    /// from a saved state exactly as it would have gone on: the caller must first restore the model's weights
    /// saved at that checkpoint, and pass the same examples and the same options (those in
    /// <see cref="TrainerState.Trajectory"/> are checked).
    /// </summary>
    public TrainingResult Train(
        IReadOnlyList<TokenizedExample> trainExamples,
        IReadOnlyList<TokenizedExample>? validationExamples,
        int paddingId,
        CancellationToken cancellationToken,
        TrainingResumeState? resume = null)
    {
        ArgumentNullException.ThrowIfNull(trainExamples);
        CheckMemorySavers();
        validationExamples ??= [];
        // A sequence whose only label sits at position 0 has nothing to predict; its loss would be 0/0 = NaN.
        List<TokenizedExample> train = trainExamples.Where(HasPredictableLabel).ToList();
        if (train.Count == 0)
        {
            throw new ArgumentException("No training example has a completion token to learn.", nameof(trainExamples));
        }
        if (train.Concat(validationExamples).Any(e => e.Length > _objective.MaxInputLength))
        {
            throw new ArgumentException($"An example is longer than the model's {_objective.MaxInputLength} positions.", nameof(trainExamples));
        }
        if (_objective is PreferenceObjective preference)
        {
            CheckPairs(preference, train.Concat(validationExamples));
        }
        string trajectory = Trajectory(train.Count);
        if (resume is not null && resume.State.Trajectory != trajectory)
        {
            throw new ArgumentException(
                $"The saved training state is from a run with other settings or data: saved '{resume.State.Trajectory}', now '{trajectory}'.",
                nameof(resume));
        }
        TrainerState start = resume?.State ?? TrainerState.Start(trajectory);
        using var run = new TrainingRun(_objective, _options, _observer, train, validationExamples, paddingId, start);
        if (resume is not null)
        {
            run.LoadOptimizerState(resume.Folder);
        }
        return run.Run(cancellationToken);
    }

    /// <summary>Checked when training starts, not in the constructor: a dry run plans steps with an objective that
    /// has no model.</summary>
    private void CheckMemorySavers()
    {
        if (_options.OptimizerInBackward && _objective.Model is not IBlockCheckpointedModel)
        {
            throw new ArgumentException(
                $"optimizer_in_backward needs a model that reports when each block's gradients are done; {_objective.Model.GetType().Name} does not. " +
                "Turn optimizer_in_backward off for this model.");
        }
        if (_options.GradientCheckpointing && _objective.Model is not IBlockCheckpointedModel)
        {
            throw new ArgumentException($"Gradient checkpointing needs a model that checkpoints its blocks; {_objective.Model.GetType().Name} does not. Train it without gradient checkpointing.");
        }
        if (_options.LossChunkPositions > 0 && !_objective.SupportsLossChunks)
        {
            throw new ArgumentException($"A loss in chunks of positions needs a model that splits its output head from its body; {_objective.Model.GetType().Name} does not. Train it with LossChunkPositions 0.");
        }
    }

    /// <summary>The settings and data size that fix the sequence of updates, as a readable key.</summary>
    private string Trajectory(int trainCount) => Settings(trainCount) +
        // Only when on, so that states saved before packing existed still resume.
        (_options.Packing ? " packing=True" : "") +
        // Only when not AdamW, for the same reason: another optimizer's state cannot continue this one's.
        (_options.Optimizer != OptimizerKind.AdamW ? $" optimizer={_options.Optimizer}" : "") +
        (_objective is PreferenceObjective preference ? $" {preference.Options.Describe()} reference={preference.Reference}" : "");

    private string Settings(int trainCount) => string.Create(CultureInfo.InvariantCulture,
        $"seed={_options.Seed} epochs={_options.Epochs} train_examples={trainCount} batch_size={_options.BatchSize} " +
        $"gradient_accumulation_steps={_options.GradientAccumulationSteps} length_bucketing={_options.LengthBucketing} " +
        $"learning_rate={_options.LearningRate:R} schedule={_options.Schedule} warmup_ratio={_options.WarmupRatio:R} " +
        $"weight_decay={_options.WeightDecay:R} max_grad_norm={_options.MaxGradNorm:R} precision={_options.Precision}");

    /// <summary>The optimizer steps <see cref="Train"/> will take on these examples (the same count its schedule uses).</summary>
    public int PlannedSteps(IReadOnlyList<TokenizedExample> trainExamples, int paddingId)
    {
        var train = trainExamples.Where(HasPredictableLabel).ToList();
        var packer = _options.Packing ? new SequencePacker(_objective.MaxInputLength, _options.BatchSize, paddingId) : null;
        return TrainingRun.PlannedSteps(_options, train, packer);
    }

    private static void CheckPairs(PreferenceObjective preference, IEnumerable<TokenizedExample> examples)
    {
        foreach (TokenizedExample example in examples)
        {
            if (!example.IsPair)
            {
                throw new ArgumentException("Preference training takes pairs of a preferred and a non-preferred answer; an example is a single sequence.");
            }
            if (preference.Reference == PreferenceReference.Precomputed && example.Reference is null)
            {
                throw new ArgumentException("This run's reference log-probs are precomputed (ReferenceLogProbs.Score), but a pair carries none.");
            }
        }
    }

    /// <summary>A pair needs both answers to have a token to score.</summary>
    private bool HasPredictableLabel(TokenizedExample example) =>
        example.Labels.Skip(_objective.LabelsAreShifted ? 1 : 0).Any(label => label != CausalLmLoss.IgnoreIndex)
        && (example.Rejected is null || HasPredictableLabel(example.Rejected));
}
