using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Lora;
using TuningService.Core.Models.Llama;
using static TorchSharp.torch;

// What one Llama decoder block keeps for its backward pass, measured: glibc's heap in use (mallinfo2: arena bytes in
// use + mapped blocks) before and after one forward pass with grad, less the block's output, and the highest value
// a 1 ms sampler saw during its backward pass. Checks the memory plan's tensor-by-tensor count
// (MemoryEstimator.CountedBlockBytesPerPosition) without the rest of a training step around it.
//
// Usage: dotnet bench/BlockMemoryBench/bin/Release/net10.0/BlockMemoryBench.dll [ROWS] [POSITIONS]
// Default 4 × 512 on the TinyLlama-1.1B block (hidden 2048, MLP 5632, 32 heads, 4 key/value heads), random weights;
// full fine-tuning, LoRA r16 on every linear layer and LoRA r8 on q_proj and v_proj (dropout 0.05), fp32 and bf16.

long rows = args.Length > 0 ? long.Parse(args[0], CultureInfo.InvariantCulture) : 4;
long positions = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 512;
set_num_threads(Environment.ProcessorCount);
var config = LlamaConfig.FromJson(JsonNode.Parse("""
    {"model_type": "llama", "hidden_size": 2048, "intermediate_size": 5632, "num_hidden_layers": 1, "num_attention_heads": 32,
     "num_key_value_heads": 4, "vocab_size": 32000, "max_position_embeddings": 2048, "rms_norm_eps": 1e-5}
    """)!.AsObject());

Console.WriteLine($"| method | dtype | kept after the forward pass, less its output (MiB) | highest during the backward pass (MiB) |");
Console.WriteLine("|---|---|---:|---:|");
foreach (var method in new[] { "full", "lora-all-linear-r16", "lora-q-v-r8" })
    foreach (var dtype in new[] { ScalarType.BFloat16, ScalarType.Float32 })
    {
        var (kept, backward) = Measure(config, method, dtype, rows, positions);
        Console.WriteLine($"| {method} | {dtype} | {kept:F1} | {backward:F1} |");
    }

static (double Kept, double Backward) Measure(LlamaConfig config, string method, ScalarType dtype, long rows, long positions)
{
    using var scope = NewDisposeScope();
    var layer = new LlamaDecoderLayer(config, 0);
    layer.to(dtype);
    if (method != "full")
    {
        var allLinear = method.StartsWith("lora-all", StringComparison.Ordinal);
        LoraInjector.Apply(layer, new LoraConfig
        {
            R = allLinear ? 16 : 8, Alpha = 16, Dropout = 0.05,
            TargetModules = allLinear ? [LoraConfig.AllLinear] : ["q_proj", "v_proj"],
        }, "llama");
        layer.to(dtype); // the adapters in the compute dtype, as a bf16 run trains them
    }
    layer.train();
    var (cos, sin) = new RotaryEmbedding(config.HeadDim, config.RopeTheta).Angles(arange(positions).unsqueeze(0));
    var context = new LlamaAttentionContext(cos, sin, null, null);
    var x = randn(rows, positions, config.HiddenSize).to(dtype).requires_grad_();
    var upstream = randn(rows, positions, config.HiddenSize).to(dtype);
    double kept = 0, backward = 0;
    for (var repeat = 0; repeat < 2; repeat++) // the second pass is the one reported: the first warms LibTorch's caches
    {
        long before = Heap.InUse();
        Tensor output;
        using (var forward = NewDisposeScope())
            output = layer.forward(x, context).MoveToOuterDisposeScope();
        long after = Heap.InUse();
        using var sampler = new Heap.PeakSampler();
        output.backward([upstream]);
        long peak = sampler.Stop();
        const double mib = 1 << 20;
        kept = (after - before - output.NumberOfElements * output.ElementSize) / mib;
        backward = (peak - before) / mib;
        output.Dispose();
        foreach (var parameter in layer.parameters().Append(x))
            parameter.grad?.Dispose();
        layer.zero_grad();
        x.grad?.Dispose();
    }
    return (kept, backward);
}

/// <summary>glibc's heap (mallinfo2): bytes in use in the arenas plus the mapped blocks.</summary>
static class Heap
{
    [StructLayout(LayoutKind.Sequential)]
    struct MallInfo2 { public nuint Arena, Ordblks, Smblks, Hblks, Hblkhd, Usmblks, Fsmblks, Uordblks, Fordblks, Keepcost; }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    static extern MallInfo2 Read();

    public static long InUse()
    {
        var info = Read();
        return (long)(info.Uordblks + info.Hblkhd);
    }

    /// <summary>The highest <see cref="InUse"/> seen every millisecond until stopped.</summary>
    public sealed class PeakSampler : IDisposable
    {
        readonly Thread _thread;
        long _peak = InUse();
        volatile bool _stop;

        public PeakSampler()
        {
            _thread = new Thread(() =>
            {
                while (!_stop)
                {
                    var now = InUse();
                    if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
                    Thread.Sleep(1);
                }
            }) { IsBackground = true };
            _thread.Start();
        }

        public long Stop()
        {
            _stop = true;
            _thread.Join();
            return Math.Max(Interlocked.Read(ref _peak), InUse());
        }

        public void Dispose() => Stop();
    }
}
