using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;
using TuningService.Bench;
using TuningService.Core.Training;
using static TorchSharp.torch;

// Optimizer state memory and step time of AdamW8bit against FusedAdamW on the weights of TinyLlama-1.1B's decoder
// layers (hidden 2048, intermediate 5632): q, k, v, o, gate, up, down and two norms per layer, 51.4 M elements a layer.
// Each optimizer runs in a fresh state over its own copy of the weights, with fixed random gradients.
// Usage: dotnet run -c Release --project bench/OptimizerBench -- [layers=2] [timed steps=5] [adamw,adamw8bit]
int layers = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2;
int steps = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
string[] kinds = args.Length > 2 ? args[2].Split(',') : ["adamw", "adamw8bit"];

long[][] layerShapes = [[2048, 2048], [256, 2048], [256, 2048], [2048, 2048], [5632, 2048], [5632, 2048], [2048, 5632], [2048], [2048]];
long[][] shapes = Enumerable.Repeat(layerShapes, layers).SelectMany(s => s).ToArray();
long elements = shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b));
Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, LibTorch {torch.get_num_threads()} threads, " +
                  $"load average {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3])}");
Console.WriteLine($"{layers} TinyLlama layers: {shapes.Length} parameters, {elements / 1e6:F1} M elements; {steps} timed steps after one untimed");
// Both updates run on the calling thread, so the process's CPU time per step is the step's cost even when the machine
// is shared (wall time then includes waiting for a core).
Console.WriteLine("| optimizer | state bytes / element | RSS growth bytes / element | step wall ms median | step wall ms min | step CPU ms median | CPU ns / element |");
Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
foreach (string kind in kinds)
{
    using var scope = NewDisposeScope();
    var generator = new Generator(1);
    List<Parameter> parameters = shapes.Select(s => new Parameter(randn(s, generator: generator) * 0.02)).ToList();
    foreach (Parameter p in parameters)
    {
        p.grad = randn(p.shape, generator: generator) * 1e-3;
    }
    GC.Collect();
    double before = ProcessMemory.ResidentMb();
    using ITrainingOptimizer optimizer = kind == "adamw8bit" ? new AdamW8bit(parameters, 0.01) : new FusedAdamW(parameters, 1e-4, 0.01);
    optimizer.Step(1e-4);
    double grown = (ProcessMemory.ResidentMb() - before) * 1024 * 1024;
    long stateBytes = optimizer switch
    {
        AdamW8bit q => q.StateBytes,
        FusedAdamW f => f.State.state_dict().State.Cast<AdamW.State>().Sum(s => (s.exp_avg.NumberOfElements + s.exp_avg_sq.NumberOfElements) * sizeof(float)),
        _ => throw new InvalidOperationException(),
    };
    var times = new List<double>();
    var cpuTimes = new List<double>();
    using var process = Process.GetCurrentProcess();
    for (int i = 0; i < steps; i++)
    {
        process.Refresh();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        optimizer.Step(1e-4);
        times.Add(clock.Elapsed.TotalMilliseconds);
        process.Refresh();
        cpuTimes.Add((process.TotalProcessorTime - cpuBefore).TotalMilliseconds);
    }
    times.Sort();
    cpuTimes.Sort();
    double median = times[times.Count / 2], cpuMedian = cpuTimes[cpuTimes.Count / 2];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {optimizer.GetType().Name} | {(double)stateBytes / elements:F3} | {grown / elements:F2} | {median:F0} | {times[0]:F0} | {cpuMedian:F0} | {cpuMedian * 1e6 / elements:F2} |"));
}
