using TuningService.Bench.FineTuneBench;
using TuningService.Core.FineTuning;
using TuningService.Core.FineTuning.Memory;
using TuningService.Core.Training;

namespace TuningService.Bench.MemoryBench;

/// <summary>The estimate a child run prints, made without loading the model (the plan reads headers only).</summary>
public static class PlanEstimate
{
    public static MemoryEstimate For(MemoryConfig config, string folder, string heap)
    {
        var shape = ModelShape.Read(folder);
        var vocabulary = (int)shape.Vocabulary;
        var examples = shape.IsEncoderDecoder
            ? SyntheticData.Seq2Seq(config.Batch, config.InputLength, config.TargetLength, vocabulary, 1, seed: 1)
            : SyntheticData.Causal(config.Batch, config.TargetLength, vocabulary, seed: 1);
        var requested = config.Requested with { NEpochs = 1, BatchSize = config.Batch, LearningRate = 1e-4 };
        var inputs = JobMemoryInputs.For(shape, requested, config.Batch, examples, config.TargetLength);
        var plan = MemoryPlanner.Plan(inputs, requested.GradientCheckpointing, config.Batch, WorkerMemoryLimit.MachineDefault());
        return MemoryEstimator.Estimate(inputs with
        {
            GradientCheckpointing = plan.GradientCheckpointing, LossChunkPositions = plan.LossChunkPositions,
            KeepFreedMemory = heap switch { "on" => true, "off" => false, _ => plan.KeepFreedMemory },
        });
    }
}
