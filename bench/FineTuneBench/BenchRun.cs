using TorchSharp;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Training;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// One measured configuration, in a process of its own so that its peak memory is its alone: load the model folder
/// as a job does, set up full or LoRA fine-tuning with TrainingSetup, and train with SupervisedTrainer.
/// </summary>
public static class BenchRun
{
    public const int BatchSize = 8, SequenceLength = 128, T5TargetLength = 32;

    public static BenchResult Run(string model, string mode, string folder, int steps, int warmupSteps, TrainingPrecision precision)
    {
        using var loaded = PretrainedModelLoader.Load(folder, torch.CPU);
        var loadPeak = ProcessMemory.PeakResidentMb();
        var tokenizer = SyntheticTokenizer.FromConfig(loaded.Config.Json);
        var setup = mode switch
        {
            // The job API's LoRA defaults (RequestedHyperparameters): r 8, alpha 16, dropout 0.05, the family's targets.
            "lora" => TrainingSetup.ForLora(loaded, tokenizer, new LoraConfig { R = 8, Alpha = 16, Dropout = 0.05 }, seed: 1),
            "full" => TrainingSetup.For(loaded, tokenizer),
            _ => throw new ArgumentException($"Unknown mode '{mode}'; use full or lora.", nameof(mode)),
        };
        var count = BatchSize * (warmupSteps + steps);
        var seq2seq = setup.Objective is Seq2SeqObjective;
        var examples = seq2seq
            ? SyntheticData.Seq2Seq(count, SequenceLength, T5TargetLength, tokenizer.VocabSize, tokenizer.EosId!.Value, seed: 1)
            : SyntheticData.Causal(count, SequenceLength, tokenizer.VocabSize, seed: 1);
        // Counted now: bf16 training replaces the module's parameter objects.
        var parameters = loaded.Model.parameters().ToList();
        var totalParameters = parameters.Sum(p => p.numel());
        var trainableParameters = parameters.Where(p => p.requires_grad).Sum(p => p.numel());
        var flops = ModelFlops.Of(loaded.Model, seq2seq, SequenceLength, seq2seq ? T5TargetLength : SequenceLength);

        var clock = new StepClock();
        // One epoch of exactly warmup + measured steps; the learning rate does not change the speed.
        var options = new TrainingOptions { Epochs = 1, BatchSize = BatchSize, LearningRate = 1e-4, Seed = 1, MetricsInterval = 1, Precision = precision };
        var trainer = new SupervisedTrainer(setup.Objective, options, clock);
        GC.Collect();
        var beforeTraining = ProcessMemory.ResidentMb();
        ProcessMemory.ResetPeak();
        trainer.Train(examples, null, setup.Examples.PaddingId, CancellationToken.None);
        var trainingPeak = ProcessMemory.PeakResidentMb();
        Console.WriteLine($"RSS MiB after each step: {string.Join(" ", clock.ResidentMiB.Select(m => $"{m:F0}"))}");

        return new BenchResult(model, mode, precision.ToString().ToLowerInvariant(),
            TotalParameters: totalParameters,
            TrainableParameters: trainableParameters,
            TokensPerStep: BatchSize * (SequenceLength + (seq2seq ? T5TargetLength : 0)),
            StepSeconds: clock.StepSeconds(warmupSteps, warmupSteps + steps),
            CpuSeconds: clock.CpuSeconds(warmupSteps, warmupSteps + steps),
            FirstLoss: clock.Losses[0],
            LastLoss: clock.Losses[^1],
            LoadPeakMiB: loadPeak,
            BeforeTrainingMiB: beforeTraining,
            TrainingPeakMiB: trainingPeak,
            Threads: torch.get_num_threads(),
            ExamplesPerStep: BatchSize,
            Flops: flops);
    }
}
