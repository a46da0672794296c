using System.Text.Json.Nodes;
using TuningService.Core.Generation;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.Llama;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Llama;

/// <summary>The shipped model (tied embeddings, GQA 8/4, eps 1e-5) against models/babyllama-tinystories/golden.json.</summary>
public sealed class BabyLlamaParityTests : IDisposable
{
    private readonly LoadedModel loaded = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
    private readonly JsonObject golden = Golden.Read(Path.Combine(TestPaths.BabyLlama, "golden.json"));

    public static TheoryData<int> Prompts => new() { 0, 1 };

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Last_position_logits_match_golden(int prompt)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var case_ = golden["prompts"]![prompt]!;
        var ids = Golden.Longs(case_["input_ids"]);
        var logits = loaded.AsCausalLanguageModel().forward(tensor(ids, [1, ids.Length]));

        var last = logits[0, -1];
        Assert.Equal(Golden.Shape(case_["last_position_logits"]), last.shape);
        Golden.AssertLogitsClose(Golden.Floats(case_["last_position_logits"]!["data"]), last.data<float>().ToArray(), $"prompt {prompt}");
        Assert.Equal(case_["last_position_argmax"]!.GetValue<long>(), last.argmax().item<long>());
    }

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Greedy_sixty_tokens_match_golden(int prompt)
    {
        var case_ = golden["prompts"]![prompt]!;
        var greedy = case_["greedy"]!;
        var result = GreedyGenerator.Generate(loaded.AsCausalLanguageModel(), Golden.Ints(case_["input_ids"]),
            greedy["max_new_tokens"]!.GetValue<int>(), stopTokenId: null);

        Assert.Equal(Golden.Ints(greedy["new_tokens"]), result.TokenIds);
    }

    [Fact]
    public void Config_and_size_match_the_model_card()
    {
        var config = Assert.IsType<LlamaConfig>(loaded.Config);
        Assert.True(config.TieWordEmbeddings);
        Assert.Equal((8, 4, 16), (config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim));
        Assert.Equal(1e-5, config.RmsNormEps);
        Assert.Equal(936_448, loaded.ParameterCount); // README.md: 936,448 fp32 parameters
        Assert.Equal(936_448 * 4, loaded.ParameterBytes);
        Assert.DoesNotContain("lm_head.weight", loaded.Model.state_dict().Keys);
    }

    public void Dispose() => loaded.Dispose();
}
