using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Gpt2;

/// <summary>Train mode: HF's dropouts (embd/attn/resid_pdrop) apply, and gradients reach the tied embedding.</summary>
public sealed class Gpt2TrainingModeTests : IDisposable
{
    private readonly TempFolder scratch = new();

    [Fact]
    public void Dropout_acts_in_train_mode_only_and_follows_the_config()
    {
        var noDropout = Gpt2Fixtures.Variant(scratch, "no-dropout", (config, _) =>
        {
            foreach (var key in new[] { "resid_pdrop", "embd_pdrop", "attn_pdrop" }) config[key] = 0.0;
        });
        using var withDropout = PretrainedModelLoader.Load(Gpt2Fixtures.Tiny, CPU);
        using var without = PretrainedModelLoader.Load(noDropout, CPU);

        Assert.False(Golden.Identical(TrainModeLogits(withDropout), EvalModeLogits(withDropout)));
        Assert.True(Golden.Identical(TrainModeLogits(without), EvalModeLogits(without)));
    }

    [Fact]
    public void Gradients_reach_the_tied_embedding_through_the_output_projection()
    {
        using var loaded = PretrainedModelLoader.Load(Gpt2Fixtures.Tiny, CPU);
        using var scope = NewDisposeScope();
        var model = loaded.AsCausalLanguageModel();
        var ids = Golden.IdTensor(Gpt2Fixtures.Golden()["greedy"]!["input_ids"]);

        CausalLmLoss.Compute(model.forward(ids), ids).backward();

        var wte = model.named_parameters().Single(p => p.name == "transformer.wte.weight").parameter;
        // Rows of tokens absent from the input get gradient only through the (tied) output projection.
        var absent = Enumerable.Range(0, 256).Except(Golden.Ints(Gpt2Fixtures.Golden()["greedy"]!["input_ids"])).First();
        Assert.True(wte.grad![absent].abs().sum().item<float>() > 0);
    }

    private static Tensor TrainModeLogits(LoadedModel loaded)
    {
        using var noGrad = no_grad();
        loaded.Model.train();
        var logits = loaded.AsCausalLanguageModel().forward(Golden.IdTensor(Gpt2Fixtures.Golden()["greedy"]!["input_ids"]));
        loaded.Model.eval();
        return logits;
    }

    private static Tensor EvalModeLogits(LoadedModel loaded)
    {
        using var noGrad = no_grad();
        return loaded.AsCausalLanguageModel().forward(Golden.IdTensor(Gpt2Fixtures.Golden()["greedy"]!["input_ids"]));
    }

    public void Dispose() => scratch.Dispose();
}
