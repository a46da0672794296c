using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using TuningService.Bench;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Inference;
using TuningService.Core.Lora;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

// Issue 16: LoRA fine-tunes served as adapters beside one shared base (ModelCache), against merged copies.
// Usage: dotnet run -c Release --project bench/AdapterServingBench -- [work dir] [adapters=20] [hidden=768] [layers=12] [rank=16]
// Writes a random Llama (hidden, layers, intermediate 8/3·hidden rounded to 256, 12 heads, vocab 32000, fp32) with
// the shipped model's tokenizer files, and N random PEFT adapters (r 16, all linear layers, alpha 32) laid out as LoRA
// jobs leave them (a folder with the tokenizer files and adapter/), plus one merged copy; then, in a fresh process
// (so that writing them does not count), loads the base through the model cache and measures resident memory with
// 1 and N adapters, one merged copy, and time to first token for a cold adapter (load from disk + first forward)
// against a warm one.
var work = args.Length > 0 ? Path.GetFullPath(args[0]) : Path.Combine(Path.GetTempPath(), "adapter-serving-bench");
var adapterCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
var hidden = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 768;
var layers = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 12;
var rank = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 16;
var measureOnly = Environment.GetEnvironmentVariable("ADAPTER_BENCH_PHASE") == "measure";
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var shipped = Path.Combine(root, "models", "babyllama-tinystories");
var baseDir = Path.Combine(work, "base");

if (!measureOnly)
{
    if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
    Directory.CreateDirectory(baseDir);
    var clock = Stopwatch.StartNew();
    Prepare();
    Console.WriteLine($"wrote the base, {adapterCount} adapters and one merged copy under {work} in {clock.Elapsed.TotalSeconds:F0} s");
    // Measured in a fresh process: writing the files above leaves memory behind that would blur the figures.
    var self = Environment.ProcessPath!;
    string[] childArgs = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [typeof(Program).Assembly.Location, .. args] : args;
    var child = Process.Start(new ProcessStartInfo(self, childArgs) { Environment = { ["ADAPTER_BENCH_PHASE"] = "measure" } })!;
    child.WaitForExit();
    return child.ExitCode;
}

Measure();
return 0;

void Prepare()
{
    var config = JsonNode.Parse(File.ReadAllText(Path.Combine(shipped, "config.json")))!.AsObject();
    var intermediate = (int)Math.Round(hidden * 8.0 / 3 / 256) * 256;
    config["hidden_size"] = hidden;
    config["num_hidden_layers"] = layers;
    config["intermediate_size"] = intermediate;
    config["num_attention_heads"] = 12;
    config["num_key_value_heads"] = 12;
    config["head_dim"] = hidden / 12;
    config["vocab_size"] = 32000;
    config["max_position_embeddings"] = 512;
    config["tie_word_embeddings"] = false;
    var family = ModelFamilies.Resolve(config);
    var parsed = family.ParseConfig(config);
    torch.manual_seed(16);
    using (var model = family.CreateModel(parsed))
        PretrainedModelWriter.Save(model, parsed, baseDir, TokenizerFiles());
    File.WriteAllText(Path.Combine(baseDir, "config.json"), config.ToJsonString());

    using var loaded = PretrainedModelLoader.Load(baseDir, CPU);
    var lora = LoraModel.Apply(loaded, new LoraConfig { R = rank, Alpha = 2 * rank, TargetModules = [LoraConfig.AllLinear] }, seed: 0);
    using var generator = new Generator(16, CPU);
    for (var i = 0; i < adapterCount; i++)
    {
        using (no_grad())
        {
            foreach (var (_, layer) in LoraLayers.Find(loaded.Model))
            {
                using var a = randn(layer.LoraA.shape, generator: generator) / Math.Sqrt(layer.InFeatures);
                using var b = randn(layer.LoraB.shape, generator: generator) * 0.01;
                layer.LoraA.copy_(a);
                layer.LoraB.copy_(b);
            }
        }
        var folder = FineTuneFolder(i);
        Directory.CreateDirectory(folder);
        foreach (var file in TokenizerFiles())
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        lora.SaveAdapter(Path.Combine(folder, CatalogModel.AdapterFolderName), "random-llama");
        if (i == 0)
            lora.SaveMerged(Path.Combine(work, "merged-0"), TokenizerFiles());
    }
}

void Measure()
{
    using (var warmup = ones(8, 8)) { using var _ = warmup.matmul(warmup); }
    var startMb = ProcessMemory.ResidentMb();
    var baseModel = new CatalogModel("random-llama", baseDir, 0, "system", null, null) { Origin = ModelOrigin.ModelsPath };
    var fineTunes = Enumerable.Range(0, adapterCount).Select(i =>
        new CatalogModel($"ft:random-llama:{i}", FineTuneFolder(i), 0, "bench", baseModel.Id, $"job-{i}") { StartingModel = baseModel }).ToList();
    using var cache = new ModelCache(new TuningOptions { ModelCacheBytes = long.MaxValue }, NullLogger<ModelCache>.Instance);
    using var promptIds = tensor(Enumerable.Range(0, 32).Select(i => 1L + i * 997 % 31000).ToArray()).unsqueeze(0);

    // The time to first token of one request: lease (a cold adapter loads here), turn, prefill and the first token.
    async Task<(double Total, double Load)> FirstTokenAsync(CatalogModel m)
    {
        var clock = Stopwatch.StartNew();
        using var lease = await cache.AcquireAsync(m, CancellationToken.None);
        var load = clock.Elapsed.TotalMilliseconds;
        using var turn = await lease.Model.EnterAsync(CancellationToken.None);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        // The prefill and the greedy first token, read back to the host as a server must before answering it. (The
        // prompt is ids, not text: the random model's vocabulary is not the borrowed tokenizer's.)
        var logits = ((CausalLanguageModel)lease.Model.Model.Model).call(promptIds);
        _ = logits[0, -1].argmax().item<long>();
        return (clock.Elapsed.TotalMilliseconds, load);
    }

    var baseLoad = Stopwatch.StartNew();
    FirstTokenAsync(baseModel).GetAwaiter().GetResult();
    Console.WriteLine($"base: {baseLoad.Elapsed.TotalSeconds:F1} s to load and answer a first token (cold base, not an adapter figure)");
    for (var i = 0; i < 3; i++) FirstTokenAsync(baseModel).GetAwaiter().GetResult(); // warm the forward path
    var baseMb = SettledResidentMb();
    var baseWarm = Enumerable.Range(0, 7).Select(_ => FirstTokenAsync(baseModel).GetAwaiter().GetResult().Total).ToList();

    // Each cold request is followed at once by a warm one on the same adapter, so that the pair sees the same load
    // on this shared machine: the median of the pairs' differences is the cold adapter's cost.
    var cold = new List<(double Total, double Load)>();
    var pairedWarm = new List<double>();
    var oneMb = 0.0;
    for (var i = 0; i < adapterCount; i++)
    {
        cold.Add(FirstTokenAsync(fineTunes[i]).GetAwaiter().GetResult());
        pairedWarm.Add(FirstTokenAsync(fineTunes[i]).GetAwaiter().GetResult().Total);
        if (i == 0) oneMb = SettledResidentMb();
    }
    var allMb = SettledResidentMb();
    // Warm: adapters already loaded, taken in turn so every request switches adapter.
    var warm = Enumerable.Range(0, 2 * adapterCount).Select(i => FirstTokenAsync(fineTunes[i % adapterCount]).GetAwaiter().GetResult().Total).ToList();
    var held = cache.Snapshot();
    var baseBytes = held.Single(m => m.BaseModelId is null).Bytes;
    var adapterBytes = held.Where(m => m.BaseModelId is not null).Sum(m => m.Bytes);

    var beforeMerged = SettledResidentMb();
    using var merged = PretrainedModelLoader.Load(Path.Combine(work, "merged-0"), CPU);
    var mergedCopyMb = SettledResidentMb() - beforeMerged;

    Console.WriteLine($"model: random Llama, hidden {hidden}, {layers} layers, {baseBytes / 1048576.0:F0} MiB of fp32 parameters; {adapterCount} adapters r {rank} on every linear layer");
    Console.WriteLine($"RSS at start (runtime + LibTorch): {startMb:F0} MiB");
    Console.WriteLine($"RSS with the base loaded and warm: {baseMb:F0} MiB");
    Console.WriteLine($"RSS with base + 1 adapter: {oneMb:F0} MiB (+{oneMb - baseMb:F0})");
    Console.WriteLine($"RSS with base + {adapterCount} adapters: {allMb:F0} MiB (+{allMb - baseMb:F0}); the cache counts {adapterBytes / 1048576.0:F1} MiB for the adapters ({adapterBytes / 1048576.0 / adapterCount:F2} MiB each)");
    // N merged copies would not fit beside the other work on this machine: estimated from the base and one more copy.
    Console.WriteLine($"one merged copy loaded on top: +{mergedCopyMb:F0} MiB RSS ({merged.ParameterBytes / 1048576.0:F0} MiB of parameters); " +
                      $"{adapterCount} merged copies ≈ {baseMb + (adapterCount - 1) * mergedCopyMb:F0} MiB (estimated: RSS with the base + {adapterCount - 1} × that growth; " +
                      $"at least {baseMb + (adapterCount - 1) * merged.ParameterBytes / 1048576.0:F0} MiB counting parameters alone)");
    Console.WriteLine($"time to first token, 32-token prompt: cold adapter median {Median(cold.Select(c => c.Total)):F0} ms (min {cold.Min(c => c.Total):F0}, max {cold.Max(c => c.Total):F0}, n {cold.Count}), " +
                      $"of which the lease (adapter load from disk, tokenizer, put on the base) median {Median(cold.Select(c => c.Load)):F0} ms (max {cold.Max(c => c.Load):F0}); " +
                      $"the same adapter warm right after median {Median(pairedWarm):F0} ms; warm adapters taken in turn median {Median(warm):F0} ms (n {warm.Count}); base alone median {Median(baseWarm):F0} ms (n {baseWarm.Count})");
    Console.WriteLine($"cold minus warm, per pair: median {Median(cold.Zip(pairedWarm, (c, w) => c.Total - w)):F0} ms; threads {torch.get_num_threads()}; load average now {File.ReadAllText("/proc/loadavg").Trim()}");
}

string FineTuneFolder(int i) => Path.Combine(work, $"ft-{i}");

IEnumerable<string> TokenizerFiles() =>
    Directory.EnumerateFiles(shipped).Where(f => Path.GetFileName(f) is "tokenizer.model" or "tokenizer_config.json" or "special_tokens_map.json" or "generation_config.json").ToList();

// RSS once the managed heap has let go of what is garbage (the file buffers of loads): what stays resident.
static double SettledResidentMb()
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    GC.Collect();
    return ProcessMemory.ResidentMb();
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}
