namespace TuningService.Core.Training;

/// <summary>Hyper-parameters of a supervised fine-tuning run. Defaults follow transformers' Trainer unless noted.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training examples.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Sequences per optimizer step (no gradient accumulation).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Peak AdamW learning rate, reached at the end of warmup.</summary>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>
    /// Share of all steps spent warming up. 0.1, not HF's 0: the first AdamW steps move every weight by about the
    /// full learning rate whatever its gradient, which on a small fine-tuning set can wreck a pre-trained model.
    /// </summary>
    public double WarmupRatio { get; init; } = 0.1;

    /// <summary>What the learning rate does after warmup: linear decay (default), cosine decay, or constant.</summary>
    public ScheduleShape Schedule { get; init; } = ScheduleShape.Linear;

    /// <summary>Decoupled AdamW weight decay, applied to every trainable parameter.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Clip the global L2 norm of the gradients to this; 0 turns clipping off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Seeds torch and the per-epoch shuffles, so a run on CPU replays exactly.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>
    /// Batch examples of similar length together (see <see cref="LengthGroupedOrder"/>), so little of each batch is
    /// padding; false draws batches uniformly at random, e.g. to compare padding shares.
    /// </summary>
    public bool LengthBucketing { get; init; } = true;

    /// <summary>A torch device string: "cpu", "cuda", "cuda:1".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// Steps between reads of the step metrics from the device. Reading waits for the device to finish, so it
    /// is done in groups, not every step; metrics also go out at every epoch end.
    /// </summary>
    public int MetricsInterval { get; init; } = 10;
}
