using TorchSharp;
using TuningService.Core.Lora;
using TuningService.Core.Models.Gpt2;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Lora;

/// <summary>One LoRA layer around nn.Linear and GPT-2's Conv1D: initialisation, forward formula, merge.</summary>
public sealed class LoraLinearTests
{
    private static readonly LoraConfig Config = new() { R = 4, Alpha = 8 };

    private static nn.Module<Tensor, Tensor> BaseLayer(bool conv1D) =>
        conv1D ? new Conv1D(24, 40) : nn.Linear(24, 40, hasBias: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fresh_adapter_leaves_the_output_bit_identical(bool conv1D)
    {
        using var scope = NewDisposeScope();
        var baseLayer = BaseLayer(conv1D);
        var x = randn(3, 5, 24);
        var before = baseLayer.forward(x).detach();

        using var lora = LoraLinear.Wrap(baseLayer, Config);

        Assert.True(Golden.Identical(before, lora.forward(x)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_starts_kaiming_uniform_and_B_starts_at_zero_with_peft_shapes(bool conv1D)
    {
        using var scope = NewDisposeScope();
        using var lora = LoraLinear.Wrap(BaseLayer(conv1D), Config);

        Assert.Equal([4, 24], lora.LoraA.shape);  // [r, in]
        Assert.Equal([40, 4], lora.LoraB.shape);  // [out, r]
        Assert.Equal(conv1D, lora.FanInFanOut);
        Assert.Equal(0, lora.LoraB.abs().max().item<float>());
        // kaiming_uniform_(a=√5) draws from U(-1/√in, 1/√in): every value inside, and the extremes near the bound.
        var bound = 1 / Math.Sqrt(24);
        var largest = lora.LoraA.abs().max().item<float>();
        Assert.InRange(largest, 0.8 * bound, bound);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_adds_scaled_B_A_x_to_the_base_output(bool conv1D)
    {
        using var scope = NewDisposeScope();
        var baseLayer = BaseLayer(conv1D);
        var x = randn(2, 3, 24);
        var baseOut = baseLayer.forward(x).detach();
        using var lora = LoraLinear.Wrap(baseLayer, Config);
        using (no_grad()) lora.LoraB.copy_(randn(40, 4));

        // Worked out independently: x Aᵀ Bᵀ · (alpha / r), alpha / r = 2.
        var expected = baseOut + x.matmul(lora.LoraA.t()).matmul(lora.LoraB.t()) * 2.0;

        Assert.Equal(2.0, lora.Scaling);
        Assert.True(LoraFixtures.MaxAbsDiff(expected, lora.forward(x)) < 1e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Merged_output_equals_unmerged_output_and_forward_then_skips_the_adapter(bool conv1D)
    {
        using var scope = NewDisposeScope();
        using var lora = LoraLinear.Wrap(BaseLayer(conv1D), Config);
        using (no_grad()) lora.LoraB.copy_(randn(40, 4));
        var x = randn(2, 3, 24);
        var unmerged = lora.forward(x).detach();

        lora.Merge();

        Assert.True(lora.Merged);
        Assert.True(LoraFixtures.MaxAbsDiff(unmerged, lora.forward(x)) < 1e-5);
        Assert.Throws<InvalidOperationException>(lora.Merge);
    }

    [Fact]
    public void The_wrapper_takes_the_layers_mode_so_adapter_dropout_acts_only_in_training()
    {
        using var scope = NewDisposeScope();
        var baseLayer = BaseLayer(conv1D: false);
        baseLayer.eval();
        using var lora = LoraLinear.Wrap(baseLayer, Config with { Dropout = 0.5 });
        using (no_grad()) lora.LoraB.copy_(randn(40, 4));
        var x = randn(2, 3, 24);

        Assert.False(lora.training);
        Assert.True(Golden.Identical(lora.forward(x), lora.forward(x)));
        lora.train();
        Assert.False(Golden.Identical(lora.forward(x), lora.forward(x)));
    }

    [Fact]
    public void Rslora_scales_by_alpha_over_root_r()
    {
        using var lora = LoraLinear.Wrap(nn.Linear(8, 8), new LoraConfig { R = 16, Alpha = 8, UseRslora = true });

        Assert.Equal(2.0, lora.Scaling);
    }

    [Fact]
    public void Only_linear_layers_can_be_wrapped()
    {
        Assert.Throws<NotSupportedException>(() => LoraLinear.Wrap(nn.ReLU(), Config));
        Assert.Throws<ArgumentException>(() => LoraLinear.Wrap(nn.Linear(4, 4), new LoraConfig { R = 0 }));
    }
}
