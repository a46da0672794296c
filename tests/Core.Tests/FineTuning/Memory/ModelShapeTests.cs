using TorchSharp;
using TuningService.Core.FineTuning.Memory;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models;

namespace TuningService.Core.Tests.FineTuning.Memory;

/// <summary>What the plan reads from headers equals what loading and LoRA really make, on real model folders.</summary>
public sealed class ModelShapeTests
{
    [Theory]
    [InlineData("llama-tiny")]
    [InlineData("gpt2-tiny")]
    [InlineData("flan-t5-tiny")]
    [InlineData("qwen2-tiny")]
    public void Parameters_and_lora_adapters_match_the_loaded_model(string name)
    {
        var folder = TestPaths.Fixture("models", name);
        var shape = ModelShape.Read(folder);
        using var loaded = PretrainedModelLoader.Load(folder, torch.CPU);
        Assert.Equal(loaded.ParameterCount, shape.Parameters);
        Assert.Equal(name == "flan-t5-tiny", shape.IsEncoderDecoder);

        _ = LoraModel.Apply(loaded, new LoraConfig { R = 4, TargetModules = ["all-linear"] }, seed: 1);
        var trainable = loaded.Model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
        Assert.Equal(trainable, shape.LoraParameters(4, ["all-linear"]));
    }

    [Fact]
    public void The_default_targets_are_the_familys()
    {
        var folder = TestPaths.Fixture("models", "llama-tiny");
        var shape = ModelShape.Read(folder);
        using var loaded = PretrainedModelLoader.Load(folder, torch.CPU);
        _ = LoraModel.Apply(loaded, new LoraConfig { R = 8 }, seed: 1);
        Assert.Equal(loaded.Model.parameters().Where(p => p.requires_grad).Sum(p => p.numel()), shape.LoraParameters(8, null));
    }
}
