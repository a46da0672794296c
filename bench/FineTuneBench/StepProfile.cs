using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Bench.FineTuneBench;

/// <summary>
/// Where a full fine-tuning step's time goes: the forward pass with the loss, the backward pass, gradient clipping
/// and the AdamW update, each timed on its own (on the CPU every operation has finished when the call returns, so a
/// stopwatch around each phase is exact), beside the time the 6·N rule says its matrix products need at the measured
/// fp32 ceiling. Usage: <c>FineTuneBench profile MODEL [steps=5] [ceiling GFLOP/s]</c>.
/// </summary>
/// <remarks>
/// The phases are those of the trainer's step (<c>OptimizerStep</c>) on one batch of 8 × 128 random tokens (T5:
/// 128 in, 32 out), with the trainer's optimizer (<see cref="FusedAdamW"/>).
/// </remarks>
public static class StepProfile
{
    public static void Run(string model, int steps, double ceilingGflops)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"stepprofile-{Environment.ProcessId}");
        try
        {
            RandomModelFolder.Write(BenchModels.Config(model, 12), folder, seed: 1);
            using var loaded = PretrainedModelLoader.Load(folder, CPU);
            var tokenizer = SyntheticTokenizer.FromConfig(loaded.Config.Json);
            var setup = TrainingSetup.For(loaded, tokenizer);
            var seq2seq = setup.Objective is Seq2SeqObjective;
            int targetLength = seq2seq ? BenchRun.T5TargetLength : BenchRun.SequenceLength;
            var flops = ModelFlops.Of(loaded.Model, seq2seq, BenchRun.SequenceLength, targetLength);
            var parameters = loaded.Model.parameters().ToList();
            using var optimizer = new FusedAdamW(parameters, learningRate: 1e-4, weightDecay: 0);
            var phases = new Dictionary<string, List<double>> { ["forward + loss"] = [], ["backward"] = [], ["clip"] = [], ["AdamW step"] = [], ["zero grad"] = [] };
            for (int step = 0; step < steps + 1; step++)
            {
                using var scope = NewDisposeScope();
                var ids = randint(4, tokenizer.VocabSize, [BenchRun.BatchSize, BenchRun.SequenceLength], dtype: ScalarType.Int64);
                var mask = ones_like(ids);
                var labels = seq2seq ? randint(4, tokenizer.VocabSize, [BenchRun.BatchSize, targetLength], dtype: ScalarType.Int64) : ids;
                var clock = Stopwatch.StartNew();
                var (loss, _) = setup.Objective.Compute(ids, mask, labels);
                var forward = clock.Elapsed.TotalSeconds;
                loss.backward();
                var backward = clock.Elapsed.TotalSeconds;
                GradientClipping.ClipByGlobalNorm(parameters, 1.0);
                var clip = clock.Elapsed.TotalSeconds;
                optimizer.Step(1e-4);
                var update = clock.Elapsed.TotalSeconds;
                optimizer.State.zero_grad();
                var zero = clock.Elapsed.TotalSeconds;
                if (step == 0) continue; // the first step allocates AdamW's state
                phases["forward + loss"].Add(forward);
                phases["backward"].Add(backward - forward);
                phases["clip"].Add(clip - backward);
                phases["AdamW step"].Add(update - clip);
                phases["zero grad"].Add(zero - update);
            }
            double total = phases.Values.Sum(Median);
            // 2·N FLOPs per example-position forward, 4·N backward (input and weight gradients), at the ceiling.
            double forwardIdeal = flops.FlopsPerExample * BenchRun.BatchSize / 3 / (ceilingGflops * 1e9);
            Console.WriteLine($"{model} full fine-tuning, batch {BenchRun.BatchSize} x {BenchRun.SequenceLength}" +
                              (seq2seq ? $" (target {targetLength})" : "") + $", {steps} steps after 1 warm-up, LibTorch {get_num_threads()} threads; " +
                              $"N for FLOPs {flops.NonEmbeddingParameters:N0}, {parameters.Sum(p => p.numel()):N0} parameters in all; ceiling {ceilingGflops:F1} GFLOP/s");
            Console.WriteLine("| phase | median s | share of step | matrix products at the ceiling would take s |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (name, times) in phases)
            {
                string ideal = name switch
                {
                    "forward + loss" => forwardIdeal.ToString("F3", CultureInfo.InvariantCulture),
                    "backward" => (2 * forwardIdeal).ToString("F3", CultureInfo.InvariantCulture),
                    _ => "0 (no matrix products)",
                };
                Console.WriteLine($"| {name} | {Median(times):F3} | {100 * Median(times) / total:F1} % | {ideal} |");
            }
            Console.WriteLine($"| step | {total:F3} | 100 % | {3 * forwardIdeal:F3} |");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
