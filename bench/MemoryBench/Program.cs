using System.Globalization;
using System.Text.Json;
using TorchSharp;
using TuningService.Bench.FineTuneBench;
using TuningService.Bench.MemoryBench;
using TuningService.Core.FineTuning.Memory;

// Peak resident memory against the memory plan's estimate, tokens/s and MFU, each configuration in its own process.
// Usage: dotnet bench/MemoryBench/bin/Release/net10.0/MemoryBench.dll [steps=3] [configs=all|small|tinyllama|NAME,NAME] [heap=plan|on|off] [bf16 ceiling GFLOP/s|measure]
// The 1.1B checkpoint (random weights, bf16, ~2.2 GB) is written once to /tmp/memorybench/tinyllama and reused.
if (args is ["run", var runConfig, var runFolder, var runSteps, var runHeap])
{
    var measured = ChildRun.Run(MemoryConfig.Named(runConfig), runFolder, int.Parse(runSteps, CultureInfo.InvariantCulture), runHeap);
    Console.WriteLine(RunResult.LinePrefix + JsonSerializer.Serialize(measured));
    return;
}

// `estimate CONFIGS HEAP`: the plan's estimate for each configuration without training (to set beside peaks measured earlier).
if (args is ["estimate", var estimateConfigs, var estimateHeap])
{
    foreach (var config in estimateConfigs.Split(',').Select(MemoryConfig.Named))
    {
        var estimate = PlanEstimate.For(config, Path.Combine(Path.GetTempPath(), "memorybench", config.Model), estimateHeap);
        Console.WriteLine($"{config.Name} heap {estimateHeap}: {estimate.PeakBytes / (double)(1 << 20):N0} MiB ({estimate.PeakPhase}); " +
                          string.Join(", ", estimate.Training.Select(t => $"{t.Name} {t.Bytes / (double)(1 << 20):N0}")));
    }
    return;
}

var steps = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
var selection = args.Length > 1 ? args[1] : "all";
var heap = args.Length > 2 ? args[2] : "plan";
ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
var configs = selection switch
{
    "all" => MemoryConfig.All,
    "small" => MemoryConfig.All.Where(c => c.Model != "tinyllama").ToList(),
    "tinyllama" => MemoryConfig.All.Where(c => c.Model == "tinyllama").ToList(),
    _ => selection.Split(',').Select(MemoryConfig.Named).ToList(),
};
double? ceiling = args.Length > 3
    ? args[3] == "measure" ? BfloatCeiling.MeasureGflops() : double.Parse(args[3], CultureInfo.InvariantCulture)
    : null;

var root = Path.Combine(Path.GetTempPath(), "memorybench");
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, LibTorch {torch.get_num_threads()} threads, " +
                  $"worker limit {MemoryPlanner.GiB(WorkerMemoryLimit.MachineDefault())}, heap {heap}, {steps} steps, " +
                  $"bf16 ceiling {(ceiling is { } c0 ? $"{c0:F1} GFLOP/s" : "-")}; load average {LoadAverage()}");
var results = new List<RunResult>();
foreach (var config in configs)
{
    var folder = Path.Combine(root, config.Model);
    if (config.Model == "tinyllama")
        TinyLlamaFolder.Ensure(folder);
    else if (!File.Exists(Path.Combine(folder, "config.json")))
        RandomModelFolder.Write(BenchModels.Config(config.Model, gpt2Layers: 4), folder, seed: 1);
    Console.WriteLine($"{config.Name} ...");
    try
    {
        results.Add(ChildProcess.Run(config.Name, folder, steps, heap));
    }
    catch (InvalidOperationException e)
    {
        Console.WriteLine($"  {e.Message}");
    }
}

Console.WriteLine();
Console.WriteLine("| configuration | heap kept | checkpointing | loss chunk | peak RSS MiB | estimate MiB | error | loading peak MiB (estimate) | runtime MiB | s/step (median after the first) | tokens/s | MFU (bf16 ceiling) | MFU with attention |");
Console.WriteLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
foreach (var r in results)
{
    var tokensPerSecond = r.TokensPerStep / r.MedianStepSeconds;
    var mfu = ceiling is { } c && r.ModelFlopsPerToken > 0 ? $"{r.ModelFlopsPerToken * tokensPerSecond / (c * 1e9):P1}" : "-";
    var withAttention = ceiling is { } c2 && r.ModelFlopsPerToken > 0 ? $"{(r.ModelFlopsPerToken + r.AttentionFlopsPerToken) * tokensPerSecond / (c2 * 1e9):P1}" : "-";
    Console.WriteLine($"| {r.Config} | {r.KeepFreedMemory} | {r.GradientCheckpointing} | {r.LossChunkPositions} | {r.PeakMiB:N0} | {r.EstimatedPeakMiB:N0} | " +
                      $"{r.EstimateError:+0.0%;-0.0%} | {r.LoadPeakMiB:N0} ({r.EstimatedLoadingMiB:N0}) | {r.RuntimeMiB:N0} | {r.MedianStepSeconds:F2} | {tokensPerSecond:N0} | {mfu} | {withAttention} |");
}
Console.WriteLine();
foreach (var r in results)
    Console.WriteLine($"{r.Config}: " + string.Join(", ", r.Terms.Select(t => $"{t.Name} {t.Bytes / (double)(1 << 20):N0}")));
Console.WriteLine($"load average {LoadAverage()}");

static string LoadAverage() => string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3]);
