using TorchSharp;
using TuningService.Bench.FineTuneBench;
using TuningService.Core.FineTuning;
using TuningService.Core.FineTuning.Memory;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Training;

namespace TuningService.Bench.MemoryBench;

/// <summary>
/// One configuration in a process of its own, so that VmHWM is its peak alone: the model loaded as a job loads it
/// (PretrainedModelLoader), set up by the job's own JobTrainingConfiguration.Setup, trained with the options the job's
/// plan makes (FineTuningRecipe.PlanTraining with the memory plan), on synthetic batches of the configured shape.
/// </summary>
public static class ChildRun
{
    /// <param name="heap">"plan" (as the job would), "on" or "off" (the heap mode forced, to measure its effect).</param>
    public static RunResult Run(MemoryConfig config, string folder, int steps, string heap)
    {
        _ = torch.get_num_threads(); // LibTorch's natives loaded: part of the runtime the plan counts
        var runtime = ProcessMemory.ResidentMb();
        // Loaded as the job loads it: a LoRA base in bf16 or quantized when the job asks (JobTrainingConfiguration.WeightLoading).
        using var loaded = PretrainedModelLoader.Load(folder, torch.CPU, JobTrainingConfiguration.WeightLoading(config.Requested));
        var loadPeak = ProcessMemory.PeakResidentMb();
        Console.WriteLine($"loaded: runtime {runtime:F0} MiB, loading peak {loadPeak:F0} MiB, now {ProcessMemory.ResidentMb():F0} MiB");
        var tokenizer = SyntheticTokenizer.FromConfig(loaded.Config.Json);
        var requested = config.Requested with { NEpochs = 1, BatchSize = config.Batch, LearningRate = 1e-4 };
        var setup = JobTrainingConfiguration.Setup(loaded, tokenizer, requested, seed: 1);
        var count = config.Batch * steps;
        var seq2seq = setup.Objective is Seq2SeqObjective;
        var examples = seq2seq
            ? SyntheticData.Seq2Seq(count, config.InputLength, config.TargetLength, tokenizer.VocabSize, tokenizer.EosId!.Value, seed: 1)
            : SyntheticData.Causal(count, config.TargetLength, tokenizer.VocabSize, seed: 1);
        var shape = ModelShape.Read(folder);
        var plan = FineTuningRecipe.PlanTraining(requested, 1, TrainingDevice.Select(), loaded.ParameterCount, setup.Objective, examples,
            setup.Examples.PaddingId, new MemoryBudget(shape, WorkerMemoryLimit.MachineDefault()));
        foreach (var line in plan.Explanations.Where(l => l.Contains("emory", StringComparison.Ordinal) || l.Contains("loss", StringComparison.Ordinal)))
            Console.WriteLine(line);
        var options = plan.Options with
        {
            MetricsInterval = 1,
            KeepFreedMemory = heap switch { "on" => true, "off" => false, _ => plan.Options.KeepFreedMemory },
        };
        // The estimate for exactly what runs (the heap forced or not).
        var estimate = MemoryEstimator.Estimate(JobMemoryInputs.For(shape, requested, config.Batch, examples, setup.Objective.MaxInputLength) with
        {
            GradientCheckpointing = options.GradientCheckpointing, LossChunkPositions = options.LossChunkPositions, KeepFreedMemory = options.KeepFreedMemory,
        });
        // MB_PROBE=1: where each step's memory goes, phase by phase (MemoryProbe).
        using var probe = Environment.GetEnvironmentVariable("MB_PROBE") == "1" ? new MemoryProbe(setup.Objective.Model) : null;
        var timer = new StepTimer(probe);
        var trainer = new SupervisedTrainer(setup.Objective, options, timer);
        trainer.Train(examples, null, setup.Examples.PaddingId, CancellationToken.None);
        var peak = ProcessMemory.PeakResidentMb();

        var tokensPerStep = (long)config.Batch * (config.InputLength + config.TargetLength);
        var linear = shape.LinearWeights.Sum(t => t.Elements);
        var adapters = requested.IsLora ? shape.LoraParameters(requested.LoraR, requested.LoraTargetModules) : 0;
        // Model FLOPs without recomputation: 6·N full; LoRA 2·N forward + 2·N through the frozen weights + 6 per adapter weight.
        // Decoder-only only: T5's weights see different position counts (BENCHMARKS.md), left out here (0).
        var flopsPerToken = seq2seq ? 0 : requested.IsLora ? 4.0 * linear + 6.0 * adapters : 6.0 * linear;
        // Attention's own products, which 6·N leaves out (PaLM, Chowdhery et al. 2022, appendix B: 12·L·T·d per token,
        // every query against every key): QKᵀ and the weighted sum of V, 4·d per key in the forward pass and twice that in
        // the backward, which LoRA needs too (the gradient flows through to the blocks below). Counted causally, each
        // position against the (T + 1) / 2 keys it sees on average, half of PaLM's figure.
        var attentionWidth = shape.AttentionWidth > 0 ? shape.AttentionWidth : shape.Hidden;
        var attentionFlopsPerToken = seq2seq ? 0 : 12.0 * shape.DecoderLayers * attentionWidth * (config.TargetLength + 1) / 2;
        const double mib = 1 << 20;
        return new RunResult(config.Name, options.KeepFreedMemory, options.GradientCheckpointing, options.LossChunkPositions,
            runtime, loadPeak, peak, estimate.PeakBytes / mib, estimate.LoadingBytes / mib, estimate.TrainingBytes / mib, estimate.Training,
            [.. timer.EndedAtSeconds.Zip(timer.EndedAtSeconds.Skip(1), (a, b) => b - a).Prepend(timer.EndedAtSeconds.FirstOrDefault())],
            tokensPerStep, flopsPerToken, attentionFlopsPerToken);
    }
}
