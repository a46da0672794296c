using System.Diagnostics;
using TorchSharp;
using TuningService.Core.Generation;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

// Greedy generation with the built-in model from BOS, as one batch of N prompts, with and without the KV cache.
// Usage: dotnet run -c Release --project bench/GenerationBench -- [prompts] [new tokens] [threads]
var prompts = args.Length > 0 ? int.Parse(args[0]) : 8;
var newTokens = args.Length > 1 ? int.Parse(args[1]) : 200;
if (args.Length > 2)
    torch.set_num_threads(int.Parse(args[2]));
var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
var modelDir = Path.Combine(root, "models", "babyllama-tinystories");

using var loaded = PretrainedModelLoader.Load(modelDir, torch.CPU);
var model = loaded.AsCausalLanguageModel();
var tokenizer = TokenizerLoader.FromModelFolder(modelDir);
var batch = Enumerable.Repeat<IReadOnlyList<int>>([tokenizer.BosId!.Value], prompts).ToArray();
Console.WriteLine($"babyllama-tinystories ({loaded.ParameterCount:N0} params), {prompts} prompts x {newTokens} new tokens from BOS, " +
                  $"greedy, one batch, {torch.get_num_threads()} threads");

// Warm-up: the first forward passes pay for LibTorch's lazy initialisation.
TextGenerator.Generate(model, tokenizer, batch, new GenerationOptions { MaxNewTokens = 8, Temperature = 0, StopTokenIds = [] });

var cached = Run(useCache: true);
var recomputed = Run(useCache: false);
Console.WriteLine($"same tokens with and without the cache: {cached.Outputs.Zip(recomputed.Outputs).All(p => p.First.TokenIds.SequenceEqual(p.Second.TokenIds))}");
Console.WriteLine($"speed-up from the KV cache: {cached.TokensPerSecond / recomputed.TokensPerSecond:F1}x");
Console.WriteLine($"sample: {cached.Outputs[0].Text[..Math.Min(120, cached.Outputs[0].Text.Length)].ReplaceLineEndings(" ")}");

(IReadOnlyList<GenerationOutput> Outputs, double TokensPerSecond) Run(bool useCache)
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
