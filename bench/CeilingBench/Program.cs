using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using static TorchSharp.torch;

// The machine's ceiling for training arithmetic: GFLOP/s of square matrix multiplies through TorchSharp, fp32 and
// bf16, on the CPU with LibTorch's threads as a training job gets them. Model-FLOPs utilisation in the other
// benchmarks is measured against the fp32 figure printed here.
// Usage: dotnet run -c Release --project bench/CeilingBench -- [sizes=512,1024,2048] [seconds per size=3] [threads=LibTorch default]
var sizes = args.Length > 0 ? args[0].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray() : [512, 1024, 2048];
var seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 3.0;
if (args.Length > 2) torch.set_num_threads(int.Parse(args[2], CultureInfo.InvariantCulture));

Console.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, LibTorch {torch.get_num_threads()} threads, " +
                  $"load average {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ')[..3])}");
Console.WriteLine("| dtype | n | GFLOP/s median | GFLOP/s best |");
Console.WriteLine("|---|---:|---:|---:|");
var best = new Dictionary<ScalarType, double>();
foreach (var dtype in new[] { ScalarType.Float32, ScalarType.BFloat16 })
{
    foreach (var n in sizes)
    {
        var (median, top) = Measure(n, dtype, seconds);
        best[dtype] = Math.Max(best.GetValueOrDefault(dtype), median);
        Console.WriteLine($"| {Name(dtype)} | {n} | {median:F1} | {top:F1} |");
    }
}
// One line the suite script reads back.
Console.WriteLine($"CEILING fp32={best[ScalarType.Float32].ToString("F1", CultureInfo.InvariantCulture)} bf16={best[ScalarType.BFloat16].ToString("F1", CultureInfo.InvariantCulture)}");

// Times repeated a @ b (2n³ floating-point operations each) for about `seconds`, after two untimed warm-up products;
// returns the median and best GFLOP/s over the timed repeats. The result is read once per repeat (sum) so that no
// work is skipped; that read is a single scalar and costs nothing next to the product.
static (double Median, double Best) Measure(int n, ScalarType dtype, double seconds)
{
    using var scope = NewDisposeScope();
    var a = randn(n, n, dtype: ScalarType.Float32).to_type(dtype);
    var b = randn(n, n, dtype: ScalarType.Float32).to_type(dtype);
    for (int i = 0; i < 2; i++) matmul(a, b).sum().to_type(ScalarType.Float32).item<float>();
    var rates = new List<double>();
    var total = Stopwatch.StartNew();
    while (total.Elapsed.TotalSeconds < seconds || rates.Count < 3)
    {
        using var inner = NewDisposeScope();
        var clock = Stopwatch.StartNew();
        var product = matmul(a, b);
        product.sum().to_type(ScalarType.Float32).item<float>();
        rates.Add(2.0 * n * n * n / clock.Elapsed.TotalSeconds / 1e9);
    }
    rates.Sort();
    return (rates[rates.Count / 2], rates[^1]);
}

static string Name(ScalarType dtype) => dtype == ScalarType.Float32 ? "fp32" : "bf16";
