using System.Globalization;
using TuningService.Core.Quantization;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.Memory;

/// <summary>
/// Makes a job's memory plan from <see cref="MemoryEstimator"/>: resolves gradient_checkpointing "auto", chooses the
/// C heap's mode and the loss's chunks, and, when the job would not fit, computes which settings would.
/// </summary>
public static class MemoryPlanner
{
    /// <summary>"auto" checkpointing turns on when the plan without it passes this share of the limit: the
    /// estimate's ±15% should not be what decides between a run and an out-of-memory kill.</summary>
    public const double CheckpointingShare = 0.85;

    /// <summary>The heap keeps freed blocks (10–15% faster) only when the estimate with them stays under this share.</summary>
    public const double KeepFreedMemoryShare = 0.75;

    /// <summary>
    /// The loss is chunked once a batch's fp32 logits pass 128 MiB: below that they are smaller than a small model's
    /// activations and one cross-entropy over all positions is faster. A chunk's fp32 logits are then about 32 MiB
    /// (a multiple of 64 positions): 262 positions at a 32,000-token vocabulary, 54 at Qwen's 152,000 (at least 64),
    /// each still a matrix product large enough to run at full speed.
    /// </summary>
    public const long LossChunkThresholdBytes = 128L << 20, LossChunkBytes = 32L << 20;

    /// <summary>Positions per loss chunk for <paramref name="positions"/> positions of a batch (0: not chunked).</summary>
    public static int LossChunkPositions(long positions, long vocabulary)
    {
        if (positions * vocabulary * 4 <= LossChunkThresholdBytes) return 0;
        var chunk = LossChunkBytes / (4 * vocabulary) / 64 * 64;
        return (int)Math.Max(64, chunk);
    }

    /// <param name="asked">The job's settings; its GradientCheckpointing, KeepFreedMemory and LossChunkPositions are chosen here.</param>
    /// <param name="checkpointing">The request's gradient_checkpointing: "true", "false" or "auto".</param>
    /// <param name="batchSize">The resolved batch size (<paramref name="asked"/>'s rows are this times the rows per example).</param>
    /// <param name="limitBytes">The worker's memory.</param>
    public static MemoryPlan Plan(MemoryPlanInputs asked, string checkpointing, int batchSize, long limitBytes)
    {
        ArgumentNullException.ThrowIfNull(asked);
        var why = new List<string>();
        var inputs = WithChunks(asked) with { KeepFreedMemory = false };
        if (checkpointing == "auto")
        {
            var without = MemoryEstimator.Estimate(inputs with { GradientCheckpointing = false }).PeakBytes;
            var on = without > CheckpointingShare * limitBytes;
            inputs = inputs with { GradientCheckpointing = on };
            why.Add(on
                ? $"gradient_checkpointing=auto resolved to true: without it the estimate is {GiB(without)}, over {CheckpointingShare:P0} of the {GiB(limitBytes)} limit."
                : $"gradient_checkpointing=auto resolved to false: the estimate without it, {GiB(without)}, is within {CheckpointingShare:P0} of the {GiB(limitBytes)} limit.");
        }
        else
        {
            inputs = inputs with { GradientCheckpointing = checkpointing == "true" };
        }
        if (inputs.OptimizerInBackward && !inputs.GradientCheckpointing)
        {
            // The trainer steps each block as its checkpointed backward ends (TrainingOptions.OptimizerInBackward).
            inputs = inputs with { GradientCheckpointing = true };
            why.Add("gradient_checkpointing is on: optimizer_in_backward steps each block's weights as the block's checkpointed backward pass ends.");
        }

        var withHeap = MemoryEstimator.Estimate(inputs with { KeepFreedMemory = true });
        var keep = withHeap.PeakBytes <= KeepFreedMemoryShare * limitBytes;
        inputs = inputs with { KeepFreedMemory = keep };
        why.Add(keep
            ? $"Memory is plentiful ({GiB(withHeap.PeakBytes)} with the heap kept, under {KeepFreedMemoryShare:P0} of {GiB(limitBytes)}): freed native blocks are kept between steps (10–15% faster)."
            : $"Memory is tight ({GiB(withHeap.PeakBytes)} with the heap kept, over {KeepFreedMemoryShare:P0} of {GiB(limitBytes)}): each large native block is mapped on its own and returned to the system when freed (slower, smaller peak).");
        if (inputs.LossChunkPositions > 0)
            why.Add($"The loss is computed in chunks of {inputs.LossChunkPositions} positions: the batch's logits would be {GiB((long)inputs.Rows * inputs.TargetPositions * inputs.Shape.Vocabulary * 4)} in fp32.");

        var estimate = MemoryEstimator.Estimate(inputs);
        why.Insert(0, $"Memory plan: estimated peak {GiB(estimate.PeakBytes)} ({estimate.PeakPhase}) of a {GiB(limitBytes)} limit; " +
                      string.Join(", ", estimate.Training.Select(t => $"{t.Name} {GiB(t.Bytes)}")) + ".");
        string? suggestion = null, param = null;
        if (estimate.PeakBytes > limitBytes)
            (suggestion, param) = Suggest(inputs, batchSize, limitBytes);
        return new MemoryPlan(estimate, limitBytes, inputs.GradientCheckpointing, keep, inputs.LossChunkPositions, suggestion, param, why);
    }

    /// <summary>
    /// Changes tried in order, each on top of the ones before it, until the estimate fits: checkpointing, bf16, NF4
    /// (LoRA) or the 8-bit optimizer stepping in the backward pass (full), then halving batch_size, then halving
    /// max_seq_length. Returns the first set that fits, or the last tried with its estimate.
    /// </summary>
    static (string Text, string Param) Suggest(MemoryPlanInputs start, int batchSize, long limitBytes)
    {
        var rowsPerExample = Math.Max(1, start.Rows / Math.Max(1, batchSize));
        var changes = new List<(string Text, string Param)>();
        var current = start with { KeepFreedMemory = false };
        if (Fits(current)) return Done();
        if (!current.GradientCheckpointing)
        {
            current = current with { GradientCheckpointing = true };
            changes.Add(("gradient_checkpointing: true", "gradient_checkpointing"));
            if (Fits(current)) return Done();
        }
        if (current.Precision != TrainingPrecision.Bf16)
        {
            current = current with { Precision = TrainingPrecision.Bf16 };
            changes.Add(("precision: \"bf16\"", "precision"));
            if (Fits(current)) return Done();
        }
        if (current.IsLora && current.Quantization != WeightQuantization.Nf4)
        {
            current = current with { Quantization = WeightQuantization.Nf4 };
            changes.Add(("quantization: \"nf4\"", "quantization"));
            if (Fits(current)) return Done();
        }
        if (!current.IsLora && (current.Optimizer != OptimizerKind.AdamW8bit || !current.OptimizerInBackward))
        {
            current = current with { Optimizer = OptimizerKind.AdamW8bit, OptimizerInBackward = true };
            changes.Add(("optimizer: \"adamw_8bit\" with optimizer_in_backward: true (and max_grad_norm: 0, gradient_accumulation_steps: 1)", "optimizer"));
            if (Fits(current)) return Done();
        }
        var batch = batchSize;
        while (batch > 1 && !Fits(current))
        {
            batch /= 2;
            current = WithChunks(current with { Rows = batch * rowsPerExample });
        }
        if (batch != batchSize)
        {
            changes.Add(($"batch_size: {batch}", "batch_size"));
            if (Fits(current)) return Done();
        }
        var positions = Math.Max(current.InputPositions, current.TargetPositions);
        while (positions > 64 && !Fits(current))
        {
            positions /= 2;
            current = WithChunks(current with
            {
                InputPositions = Math.Min(current.InputPositions, positions), TargetPositions = Math.Min(current.TargetPositions, positions),
            });
        }
        if (positions != Math.Max(start.InputPositions, start.TargetPositions))
            changes.Add(($"max_seq_length: {positions}", "max_seq_length"));
        if (Fits(current)) return Done();
        return ($"Even with {Join()} the estimate is {GiB(MemoryEstimator.Estimate(current).PeakBytes)}: this model needs a machine with more memory " +
                "(or a larger Tuning:WorkerMemoryBytes if this one has it).", changes.Count > 0 ? changes[0].Param : "model");

        bool Fits(MemoryPlanInputs inputs) => MemoryEstimator.Estimate(inputs).PeakBytes <= limitBytes;
        string Join() => changes.Count == 0 ? "no change" : string.Join(", ", changes.Select(c => c.Text));
        (string, string) Done() => changes.Count == 0
            ? ("It fits once freed native memory is given back between steps.", "batch_size")
            : ($"It would fit with {Join()}: estimated {GiB(MemoryEstimator.Estimate(current).PeakBytes)}.", changes[0].Param);
    }

    static MemoryPlanInputs WithChunks(MemoryPlanInputs inputs) =>
        inputs with { LossChunkPositions = LossChunkPositions((long)inputs.Rows * inputs.TargetPositions, inputs.Shape.Vocabulary) };

    /// <summary>Bytes in GiB with two decimals, as the messages show them.</summary>
    public static string GiB(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB");
}
