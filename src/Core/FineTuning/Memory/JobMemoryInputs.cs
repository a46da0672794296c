using TuningService.Core.Quantization;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.Memory;

/// <summary>A job's <see cref="MemoryPlanInputs"/>: its hyperparameters and the longest batch its data makes.</summary>
public static class JobMemoryInputs
{
    /// <param name="train">The tokenized training examples (the longest decides the padded batch).</param>
    /// <param name="contextLength">The positions a packed row fills.</param>
    public static MemoryPlanInputs For(ModelShape shape, RequestedHyperparameters requested, int batchSize, IReadOnlyList<TokenizedExample> train, int contextLength)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(train);
        int input = 0, target;
        if (shape.IsEncoderDecoder)
        {
            input = train.Count == 0 ? 0 : train.Max(e => e.InputIds.Length);
            target = train.Count == 0 ? 0 : train.Max(e => e.Labels.Length);
        }
        else
        {
            // Length-grouped batches pad to their longest example; packed rows run up to the context.
            target = requested.Packing ? contextLength : train.Count == 0 ? 0 : train.Max(e => e.Length);
        }
        return new MemoryPlanInputs(shape, batchSize * (requested.IsPreference ? 2 : 1), input, target)
        {
            Precision = Enum.Parse<TrainingPrecision>(requested.Precision, ignoreCase: true),
            IsLora = requested.IsLora,
            LoraRank = requested.LoraR,
            LoraTargets = requested.LoraTargetModules,
            LoraDropout = requested.LoraDropout,
            Quantization = Quantization(requested.Quantization),
            GradientCheckpointing = requested.GradientCheckpointing == "true",
            Optimizer = Optimizer(requested.Optimizer),
            OptimizerInBackward = requested.OptimizerInBackward,
        };
    }

    public static WeightQuantization Quantization(string name) => name switch
    {
        "nf4" => WeightQuantization.Nf4,
        "int8" => WeightQuantization.Int8,
        _ => WeightQuantization.None,
    };

    public static OptimizerKind Optimizer(string name) => name == "adamw_8bit" ? OptimizerKind.AdamW8bit : OptimizerKind.AdamW;
}
