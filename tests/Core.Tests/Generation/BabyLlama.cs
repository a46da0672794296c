using System.Text.Json.Nodes;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;
using TuningService.Core.Tokenization;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Generation;

/// <summary>The shipped model, its tokenizer and golden.json (two prompts with 60 greedy tokens each).</summary>
internal sealed class BabyLlama : IDisposable
{
    private readonly LoadedModel loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
    private readonly JsonObject golden = Golden.Read(Path.Combine(TestPaths.BabyLlama, "golden.json"));

    public CausalLanguageModel Model => loaded.AsCausalLanguageModel();

    public ITextTokenizer Tokenizer { get; } = TokenizerLoader.FromModelFolder(TestPaths.BabyLlama);

    /// <summary>Golden prompt 0 is BOS alone, prompt 1 BOS + "Once upon a time".</summary>
    public int[] Prompt(int index) => Golden.Ints(golden["prompts"]![index]!["input_ids"]);

    /// <summary>The 60 greedy tokens after golden prompt <paramref name="index"/> (never stopping early).</summary>
    public int[] GreedyTokens(int index) => Golden.Ints(golden["prompts"]![index]!["greedy"]!["new_tokens"]);

    /// <summary>What golden tokens read as after their prompt, by the tokenizer alone.</summary>
    public string TextAfter(int[] prompt, IEnumerable<int> tokens) =>
        Tokenizer.Decode(prompt.Concat(tokens))[Tokenizer.Decode(prompt).Length..];

    public void Dispose() => loaded.Dispose();
}
