namespace TuningService.Core.Training;

/// <summary>Hyper-parameters of a supervised fine-tuning run. Defaults follow transformers' Trainer unless noted.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training examples.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Sequences per forward pass; an optimizer step takes <see cref="GradientAccumulationSteps"/> of them.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>
    /// Batches whose gradients are summed into one optimizer step (at least 1). The loss is token-weighted: each
    /// batch's mean loss is scaled by its share of the step's labelled tokens, so a step equals one batch holding
    /// all of them (as transformers does since 4.46), not a mean of per-batch means. An epoch's last step may
    /// take fewer batches.
    /// </summary>
    public int GradientAccumulationSteps { get; init; } = 1;

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

    /// <summary>
    /// Pack several whole examples into each row, up to the model's context (<see cref="SequencePacker"/>), with
    /// attention kept inside each example; <see cref="BatchSize"/> then counts packed rows. Decoder-only models
    /// only. Validation stays unpacked: its token-weighted loss is the same either way.
    /// </summary>
    public bool Packing { get; init; }

    /// <summary>A torch device string: "cpu", "cuda", "cuda:1".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>
    /// Steps between reads of the step metrics from the device. Reading waits for the device to finish, so it
    /// is done in groups, not every step; metrics also go out at every epoch end.
    /// </summary>
    public int MetricsInterval { get; init; } = 10;

    /// <summary>Offer a checkpoint every this many optimizer steps, besides each epoch end; 0: epoch ends only.</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Evaluate on the validation examples every this many optimizer steps, besides each epoch end; 0: epoch ends only.</summary>
    public int EvalEverySteps { get; init; }

    /// <summary>
    /// Stop after this many evaluations in a row whose validation loss does not beat the best before them by more
    /// than <see cref="EarlyStoppingThreshold"/> (as transformers' <c>EarlyStoppingCallback</c>); 0 turns it off.
    /// </summary>
    public int EarlyStoppingPatience { get; init; }

    /// <summary>The least decrease of the validation loss that counts as an improvement for early stopping.</summary>
    public double EarlyStoppingThreshold { get; init; }

    /// <summary>The number format of the forward and backward passes.</summary>
    public TrainingPrecision Precision { get; init; } = TrainingPrecision.Fp32;

    /// <summary>
    /// Activation (gradient) checkpointing per decoder/encoder block: the forward pass keeps only each block's input,
    /// and the backward pass runs the block again to get what it needs. Trades about a third more compute for
    /// activations that no longer grow with the number of layers. Same losses and gradients as without.
    /// </summary>
    public bool GradientCheckpointing { get; init; }

    /// <summary>
    /// Positions per chunk of the cross-entropy: the loss is computed chunk by chunk from the final hidden states, so a
    /// step never holds (tokens × vocabulary) logits and their gradient at once. 0 computes it over the full logits.
    /// </summary>
    public int LossChunkPositions { get; init; }

    /// <summary>Which optimizer updates the trainable weights.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;

    /// <summary>
    /// Take the optimizer step for each block's weights as soon as the backward pass has finished their gradients,
    /// and free them, so the gradients of the whole model are never held at once. Excludes gradient accumulation
    /// and global-norm clipping (both need every gradient before any step). Brings <see cref="GradientCheckpointing"/> with
    /// it: a block's gradients are known to be final when its checkpointed backward pass ends.
    /// </summary>
    public bool OptimizerInBackward { get; init; }

    /// <summary>
    /// Keep freed native blocks in the C heap between steps (<see cref="Common.NativeHeap.KeepLargeBlocks"/>): 10–15%
    /// faster, 20–30% higher peak. The memory plan turns it off when memory is tight. Process-wide while the run trains.
    /// </summary>
    public bool KeepFreedMemory { get; init; } = true;

    /// <summary>Optimizer steps in one epoch over <paramref name="trainExampleCount"/> examples (unpacked; with
    /// <see cref="Packing"/> the count depends on the lengths, see <see cref="StepsPerEpochOfBatches"/>).</summary>
    public int StepsPerEpoch(int trainExampleCount)
    {
        int batches = (trainExampleCount + BatchSize - 1) / BatchSize;
        return StepsPerEpochOfBatches(batches);
    }

    /// <summary>Optimizer steps in an epoch of <paramref name="batchCount"/> batches.</summary>
    public int StepsPerEpochOfBatches(int batchCount) => (batchCount + GradientAccumulationSteps - 1) / GradientAccumulationSteps;
}
