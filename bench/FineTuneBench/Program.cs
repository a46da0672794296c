using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using TuningService.Core.Training;
using TuningService.Bench.FineTuneBench;

// Full fine-tuning vs LoRA, one model per family with random weights: training tokens/s and peak resident memory.
// Usage: dotnet run -c Release --project bench/FineTuneBench -- [steps=10] [warmup steps=2] [gpt2 layers=12] [models=t5,gpt2,llama] [fp32 ceiling GFLOP/s] [precisions=fp32]
// With the ceiling (CeilingBench's fp32 figure) it also prints the model-FLOPs utilisation (see ModelFlops).
// Precisions: fp32 and/or bf16 (TrainingPrecision: bf16 forward/backward on fp32 master weights), comma-separated.
// Each (model, mode, precision) runs in its own process (`run MODEL MODE FOLDER STEPS WARMUP PRECISION`), so each peak is its own.
if (args is ["run", var runModel, var runMode, var runFolder, var runSteps, var runWarmup, var runPrecision])
{
    var measured = BenchRun.Run(runModel, runMode, runFolder, int.Parse(runSteps, CultureInfo.InvariantCulture), int.Parse(runWarmup, CultureInfo.InvariantCulture),
        Enum.Parse<TrainingPrecision>(runPrecision, ignoreCase: true));
    Console.WriteLine(BenchResult.LinePrefix + JsonSerializer.Serialize(measured));
    return;
}

// `write-model MODEL FOLDER`: the random-weight model folder a run trains, for profiling one `run` alone (bench/profile).
if (args is ["write-model", var writeModel, var writeFolder])
{
    RandomModelFolder.Write(BenchModels.Config(writeModel, 12), writeFolder, seed: 1);
    return;
}

if (args is ["profile", var profileModel, ..])
{
    StepProfile.Run(profileModel, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5,
        args.Length > 3 ? double.Parse(args[3], CultureInfo.InvariantCulture) : 199.6);
    return;
}

var steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
var warmup = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2;
var gpt2Layers = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 12;
var models = args.Length > 3 ? args[3].Split(',') : [.. BenchModels.Names];
double? ceiling = args.Length > 4 && args[4] != "-" ? double.Parse(args[4], CultureInfo.InvariantCulture) : null;
var precisions = args.Length > 5 ? args[5].Split(',').Select(p => Enum.Parse<TrainingPrecision>(p, ignoreCase: true)).ToArray() : [TrainingPrecision.Fp32];
// The first step also allocates AdamW's state and warms LibTorch's allocator: never time it.
ArgumentOutOfRangeException.ThrowIfLessThan(warmup, 1);
ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);

var root = Path.Combine(Path.GetTempPath(), $"finetunebench-{Environment.ProcessId}");
var wall = Stopwatch.StartNew();
var rows = new List<(BenchResult Result, string Load)>();
try
{
    foreach (var name in models)
    {
        RandomModelFolder.Write(BenchModels.Config(name, gpt2Layers), Path.Combine(root, name), seed: 1);
    }
    Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, LibTorch {torch.get_num_threads()} threads; " +
                      $"batch {BenchRun.BatchSize} x {BenchRun.SequenceLength} tokens (T5: input {BenchRun.SequenceLength}, target {BenchRun.T5TargetLength}); " +
                      $"{steps} timed steps after {warmup} warm-up; GPT-2 with {gpt2Layers} layers; load average {LoadAverage()}");
    foreach (var name in models)
    {
        foreach (var (mode, precision) in precisions.SelectMany(p => new[] { ("full", p), ("lora", p) }))
        {
            Console.WriteLine($"{name} {mode} {precision} ...");
            var result = ChildProcess.Run(name, mode, Path.Combine(root, name), steps, warmup, precision);
            rows.Add((result, LoadAverage()));
            Console.WriteLine($"  loss {result.FirstLoss:F3} -> {result.LastLoss:F3}; s/step {string.Join(" ", result.StepSeconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}; " +
                              $"{result.CoresUsed:F2} cores used; load average {rows[^1].Load}");
        }
    }
}
finally
{
    if (Directory.Exists(root))
        Directory.Delete(root, recursive: true);
}

Console.WriteLine();
Console.WriteLine("| model | mode | precision | params total | trainable | N for FLOPs (Kaplan N) | FLOPs/token | s/step median (best) | tokens/s median (best) | MFU | cores used | RSS before training MiB | peak RSS training MiB | peak RSS loading MiB | load average after |");
Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
foreach (var (r, load) in rows)
{
    var flopsPerToken = r.Flops.FlopsPerExample * r.ExamplesPerStep / r.TokensPerStep;
    Console.WriteLine($"| {r.Model} | {r.Mode} | {r.Precision} | {r.TotalParameters:N0} | {r.TrainableParameters:N0} ({100.0 * r.TrainableParameters / r.TotalParameters:F2}%) | " +
                      $"{r.Flops.NonEmbeddingParameters:N0} ({r.Flops.KaplanParameters:N0}) | {flopsPerToken / 1e6:N0} M | " +
                      $"{r.MedianStepSeconds:F2} ({r.BestStepSeconds:F2}) | {r.MedianTokensPerSecond:N0} ({r.BestTokensPerSecond:N0}) | " +
                      $"{(ceiling is { } c ? $"{r.Utilisation(c):P1}" : "-")} | {r.CoresUsed:F2} | " +
                      $"{r.BeforeTrainingMiB:N0} | {r.TrainingPeakMiB:N0} | {r.LoadPeakMiB:N0} | {load} |");
}
Console.WriteLine();
SuiteLines.Print(rows.Select(r => r.Result).ToList(), ceiling);
Console.WriteLine($"wall {wall.Elapsed.TotalSeconds:F0} s");

// 1, 5 and 15 minute load averages: the machine is shared, so they say how much of it the run had.
static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
