using System.Diagnostics;
using System.Globalization;
using TorchSharp;
using TuningService.Core.Generation;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

// Greedy generation with the built-in model from BOS, as one batch of N prompts, with and without the KV cache.
// Usage: dotnet run -c Release --project bench/GenerationBench -- [prompts] [new tokens] [threads]
//    or: dotnet run -c Release --project bench/GenerationBench -- suite [prompts=8] [lengths=32,256] [threads]
// The suite form measures each length and prints only the figures bench/run needs (SUITE lines). A length that does
// not fit the model's context after the BOS prompt is cut to what fits (256 → 255 for the built-in model).
var suite = args.Length > 0 && args[0] == "suite";
var rest = suite ? args[1..] : args;
var prompts = rest.Length > 0 ? int.Parse(rest[0], CultureInfo.InvariantCulture) : 8;
int[] lengths = rest.Length > 1
    ? [.. rest[1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
    : suite ? [32, 256] : [200];
if (rest.Length > 2)
    torch.set_num_threads(int.Parse(rest[2], CultureInfo.InvariantCulture));
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var modelDir = Path.Combine(root, "models", "babyllama-tinystories");

using var loaded = PretrainedModelLoader.Load(modelDir, torch.CPU);
var model = loaded.AsCausalLanguageModel();
var tokenizer = TokenizerLoader.FromModelFolder(modelDir);
var batch = Enumerable.Repeat<IReadOnlyList<int>>([tokenizer.BosId!.Value], prompts).ToArray();

// Warm-up: the first forward passes pay for LibTorch's lazy initialisation.
TextGenerator.Generate(model, tokenizer, batch, new GenerationOptions { MaxNewTokens = 8, Temperature = 0, StopTokenIds = [] });

for (int i = 0; i < lengths.Length; i++)
{
    var newTokens = Math.Min(lengths[i], model.MaxPositions - 1);
    Console.WriteLine($"babyllama-tinystories ({loaded.ParameterCount:N0} params), {prompts} prompts x {newTokens} new tokens from BOS, " +
                      $"greedy, one batch, {torch.get_num_threads()} threads" +
                      (newTokens < lengths[i] ? $" ({lengths[i]} asked for; BOS + {newTokens} fill the context of {model.MaxPositions})" : ""));
    var cached = Run(model, tokenizer, batch, newTokens, useCache: true);
    var recomputed = Run(model, tokenizer, batch, newTokens, useCache: false);
    var speedUp = cached.TokensPerSecond / recomputed.TokensPerSecond;
    Console.WriteLine($"same tokens with and without the cache: {cached.Outputs.Zip(recomputed.Outputs).All(p => p.First.TokenIds.SequenceEqual(p.Second.TokenIds))}");
    Console.WriteLine($"speed-up from the KV cache: {speedUp:F1}x");
    if (suite)
    {
        // "short" and "long" rather than the counts, so that the summary finds them whatever the lengths were.
        var key = $"generation.{(i == 0 ? "short" : "long")}";
        Suite($"{key}.new_tokens", newTokens, "tokens");
        Suite($"{key}.cache", cached.TokensPerSecond, "tokens/s");
        Suite($"{key}.recompute", recomputed.TokensPerSecond, "tokens/s");
        Suite($"{key}.speedup", speedUp, "x");
    }
    else
    {
        Console.WriteLine($"sample: {cached.Outputs[0].Text[..Math.Min(120, cached.Outputs[0].Text.Length)].ReplaceLineEndings(" ")}");
    }
}

static (IReadOnlyList<GenerationOutput> Outputs, double TokensPerSecond) Run(CausalLanguageModel model, ITextTokenizer tokenizer,
    IReadOnlyList<int>[] batch, int newTokens, bool useCache)
{
    var options = new GenerationOptions { MaxNewTokens = newTokens, Temperature = 0, StopTokenIds = [], UseCache = useCache };
    var clock = Stopwatch.StartNew();
    var outputs = TextGenerator.Generate(model, tokenizer, batch, options);
    clock.Stop();
    var tokens = outputs.Sum(o => o.CompletionTokens);
    var perSecond = tokens / clock.Elapsed.TotalSeconds;
    Console.WriteLine($"{(useCache ? "with KV cache   " : "without KV cache")}: {tokens} tokens in {clock.Elapsed.TotalSeconds:F2} s, {perSecond:N0} tokens/s");
    return (outputs, perSecond);
}

// One figure for bench/run's summary: `SUITE key value unit`, tab-separated, invariant culture.
static void Suite(string key, double value, string unit) =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SUITE\t{key}\t{value:0.###}\t{unit}"));
