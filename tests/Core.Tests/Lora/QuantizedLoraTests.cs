using TorchSharp.PyBridge;
using TuningService.Core.Lora;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Quantization;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Lora;

/// <summary>
/// LoRA over a quantized base (QLoRA): gradients, the adapter folder and the merged checkpoint. Run alone: quantized
/// loads build the module with torch's process-wide default device set to meta for a moment.
/// </summary>
[Collection(Training.TorchGlobalStateCollection.Name)]
public sealed class QuantizedLoraTests
{
    private static readonly LoraConfig Rank4 = new() { R = 4, Alpha = 8 };
    private static readonly LoraConfig AllLinear = new() { R = 4, Alpha = 8, TargetModules = [LoraConfig.AllLinear] };

    [Theory]
    [InlineData(WeightQuantization.Nf4, false)]
    [InlineData(WeightQuantization.Int8, false)]
    [InlineData(WeightQuantization.Nf4, true)]
    public void Backward_through_the_quantized_base_equals_backward_through_its_dequantized_weight(WeightQuantization kind, bool withBias)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11, CPU);
        var dense = randn([48, 128], generator: generator) * 0.05;
        var quantizedWeight = QuantizedWeight.Quantize(dense, kind);
        var bias = withBias ? randn([48], generator: generator) : null;

        // The same dequantized weight as a plain frozen nn.Linear.
        var plain = nn.Linear(128, 48, hasBias: withBias);
        using (no_grad())
        {
            plain.weight!.copy_(quantizedWeight.Dequantize(ScalarType.Float32));
            if (bias is not null) plain.bias!.copy_(bias);
        }
        plain.weight!.requires_grad = false;
        if (plain.bias is not null) plain.bias.requires_grad = false;
        var quantizedBias = bias is null ? null : new TorchSharp.Modules.Parameter(bias.clone(), requires_grad: false);
        var quantizedLayer = new QuantizedLinear(quantizedWeight, quantizedBias, fanInFanOut: false, readOriginalWeight: null);

        using var g1 = new Generator(5, CPU);
        using var g2 = new Generator(5, CPU);
        var expectedLayer = LoraLinear.Wrap(plain, Rank4, g1);
        var actualLayer = LoraLinear.Wrap(quantizedLayer, Rank4, g2);
        using (no_grad())
        {
            var b = randn([48, 4], generator: generator);
            expectedLayer.LoraB.copy_(b);
            actualLayer.LoraB.copy_(b);
        }
        var input = randn([2, 5, 128], generator: generator);
        var upstream = randn([2, 5, 48], generator: generator);
        var x1 = input.clone().requires_grad_(true);
        var x2 = input.clone().requires_grad_(true);
        var y1 = expectedLayer.forward(x1);
        var y2 = actualLayer.forward(x2);
        (y1 * upstream).sum().backward();
        (y2 * upstream).sum().backward();

        Assert.True(Golden.Identical(y1, y2));
        Assert.True(Golden.Identical(x1.grad!, x2.grad!));
        Assert.True(Golden.Identical(expectedLayer.LoraA.grad!, actualLayer.LoraA.grad!));
        Assert.True(Golden.Identical(expectedLayer.LoraB.grad!, actualLayer.LoraB.grad!));
        Assert.True(actualLayer.LoraA.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Backward_through_a_quantized_conv1d_equals_backward_through_its_dequantized_weight()
    {
        // GPT-2's layout: W stored [in, out], y = x W + b.
        using var scope = NewDisposeScope();
        using var generator = new Generator(13, CPU);
        var dense = randn([128, 48], generator: generator) * 0.05;
        var quantizedWeight = QuantizedWeight.Quantize(dense, WeightQuantization.Nf4);
        var bias = randn([48], generator: generator);
        var plain = new Core.Models.Gpt2.Conv1D(128, 48);
        using (no_grad())
        {
            plain.Weight.copy_(quantizedWeight.Dequantize(ScalarType.Float32));
            plain.Bias.copy_(bias);
        }
        plain.Weight.requires_grad = false;
        plain.Bias.requires_grad = false;
        var quantizedLayer = new QuantizedLinear(quantizedWeight, new TorchSharp.Modules.Parameter(bias.clone(), requires_grad: false),
            fanInFanOut: true, readOriginalWeight: null);
        using var g1 = new Generator(5, CPU);
        using var g2 = new Generator(5, CPU);
        var expectedLayer = LoraLinear.Wrap(plain, Rank4, g1);
        var actualLayer = LoraLinear.Wrap(quantizedLayer, Rank4, g2);
        using (no_grad())
        {
            var b = randn([48, 4], generator: generator);
            expectedLayer.LoraB.copy_(b);
            actualLayer.LoraB.copy_(b);
        }
        var input = randn([3, 128], generator: generator);
        var upstream = randn([3, 48], generator: generator);
        var x1 = input.clone().requires_grad_(true);
        var x2 = input.clone().requires_grad_(true);
        var y1 = expectedLayer.forward(x1);
        var y2 = actualLayer.forward(x2);
        (y1 * upstream).sum().backward();
        (y2 * upstream).sum().backward();

        Assert.True(Golden.Identical(y1, y2));
        Assert.True(Golden.Identical(x1.grad!, x2.grad!));
        Assert.True(Golden.Identical(expectedLayer.LoraA.grad!, actualLayer.LoraA.grad!));
        Assert.True(Golden.Identical(expectedLayer.LoraB.grad!, actualLayer.LoraB.grad!));
    }

    [Fact]
    public void The_adapter_of_a_qlora_model_has_the_layout_of_a_plain_one_and_loads_onto_the_unquantized_base()
    {
        using var scratch = new TempFolder();
        using var plain = LoraFixtures.Load(LoraFixtures.Llama);
        LoraInjector.Apply(plain.Model, AllLinear, "llama", new Generator(3, CPU));
        LoraFixtures.RandomizeB(plain.Model, seed: 5);
        PeftAdapterWriter.Save(plain.Model, AllLinear, scratch.Combine("plain"), "llama-tiny", PeftTaskTypes.CausalLm);

        using var qlora = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU, new WeightLoadOptions { Quantization = WeightQuantization.Nf4 });
        LoraInjector.Apply(qlora.Model, AllLinear, "llama", new Generator(3, CPU));
        LoraFixtures.RandomizeB(qlora.Model, seed: 5);
        PeftAdapterWriter.Save(qlora.Model, AllLinear, scratch.Combine("qlora"), "llama-tiny", PeftTaskTypes.CausalLm);

        var expectedTensors = Safetensors.LoadStateDict(scratch.Combine("plain/adapter_model.safetensors"));
        var actualTensors = Safetensors.LoadStateDict(scratch.Combine("qlora/adapter_model.safetensors"));
        Assert.Equal(expectedTensors.Keys.Order(), actualTensors.Keys.Order());
        Assert.All(expectedTensors, e => Assert.True(Golden.Identical(e.Value, actualTensors[e.Key]), e.Key)); // same seed, same draw
        Assert.Equal(File.ReadAllText(scratch.Combine("plain/adapter_config.json")), File.ReadAllText(scratch.Combine("qlora/adapter_config.json")));

        // Onto the unquantized base: the plain model's outputs exactly, the QLoRA model's up to the quantization error.
        using var fresh = LoraFixtures.Load(LoraFixtures.Llama);
        PeftAdapterLoader.Apply(fresh.Model, scratch.Combine("qlora"));
        using var unquantized = LoraFixtures.BatchLogits(fresh, LoraFixtures.Llama);
        using var plainLogits = LoraFixtures.BatchLogits(plain, LoraFixtures.Llama);
        using var quantizedLogits = LoraFixtures.BatchLogits(qlora, LoraFixtures.Llama);
        Assert.True(Golden.Identical(plainLogits, unquantized));
        using var scale = unquantized.abs().max();
        var relative = LoraFixtures.MaxAbsDiff(unquantized, quantizedLogits) / scale.item<float>();
        // Measured 0.338; the NF4 bound of WeightLoadOptionsTests' logits test.
        Assert.True(relative < 0.5, $"max |Δlogit| / max |logit| = {relative}");
    }

    [Fact]
    public void The_merged_checkpoint_is_the_unquantized_base_plus_the_update_in_the_base_dtype()
    {
        using var scratch = new TempFolder();
        var bf16Base = ModelFolders.LlamaTinyVariant(scratch, "bf16-base", (_, tensors) =>
        {
            foreach (var key in tensors.Keys.ToList())
                tensors[key] = tensors[key].to(ScalarType.BFloat16);
        });
        using var qlora = PretrainedModelLoader.Load(bf16Base, CPU, new WeightLoadOptions { Quantization = WeightQuantization.Nf4, Dtype = ScalarType.BFloat16 });
        LoraInjector.Apply(qlora.Model, AllLinear, "llama", new Generator(3, CPU));
        LoraFixtures.RandomizeB(qlora.Model, seed: 5);

        PretrainedModelWriter.Save(qlora.Model, qlora.Config, scratch.Combine("merged"), weightsDtype: ScalarType.BFloat16);

        var merged = Safetensors.LoadStateDict(scratch.Combine("merged/model.safetensors"));
        var original = ModelFolders.ReadTensors(bf16Base);
        Assert.Equal(original.Keys.Order(), merged.Keys.Order());
        Assert.All(merged.Values, t => Assert.Equal(ScalarType.BFloat16, t.dtype));
        foreach (var (path, layer) in LoraLayers.Find(qlora.Model))
        {
            using var expected = (original[path + ".weight"].to(ScalarType.Float32) + layer.DeltaWeight()).to(ScalarType.BFloat16);
            Assert.True(Golden.Identical(expected, merged[path + ".weight"]), path);
        }
        Assert.True(Golden.Identical(original["model.norm.weight"], merged["model.norm.weight"]));
    }
}
