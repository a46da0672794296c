using TuningService.Core.Models;
using TuningService.Core.Tests.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models;

// Seeds torch's global generator, which FastDropout draws its seeds from.
[Collection(TorchGlobalStateCollection.Name)]
public class FastDropoutTests
{
    [Theory]
    [InlineData(0.1)]
    [InlineData(0.05)]
    [InlineData(0.5)]
    public void Drops_a_share_p_of_the_elements_and_scales_the_rest(double p)
    {
        using var scope = NewDisposeScope();
        const int n = 1_000_001; // odd: the last element takes the single-draw path
        Tensor x = ones(n);

        Tensor y = FastDropout.Apply(x, p, training: true);

        double dropped = (y == 0).sum().item<long>() / (double)n;
        // Binomial: five standard deviations (≤ 0.0025 here) from p; a biased draw would be far outside.
        double sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange(dropped, p - 5 * sigma, p + 5 * sigma);
        Tensor kept = y.masked_select(y != 0);
        Assert.True(kept.allclose(full_like(kept, 1 / (1 - p)), rtol: 1e-6, atol: 0));
        // The mean is preserved (inverted dropout).
        Assert.Equal(1.0, y.mean().item<float>(), 0.01);
    }

    [Fact]
    public void Neighbouring_draws_are_independent()
    {
        using var scope = NewDisposeScope();
        // Elements 2i and 2i + 1 share one 64-bit hash; their keep decisions must still be uncorrelated, and so must
        // those of consecutive pairs.
        Tensor keep = (FastDropout.Mask([1_000_000], ScalarType.Float32, 0.5, seed: 12345) != 0).to_type(ScalarType.Float32);
        foreach (int lag in new[] { 1, 2, 3 })
        {
            Tensor a = keep[TensorIndex.Slice(0, -lag)], b = keep[TensorIndex.Slice(lag, null)];
            double correlation = ((a - a.mean()) * (b - b.mean())).mean().item<float>() / (a.std().item<float>() * b.std().item<float>());
            Assert.InRange(correlation, -0.006, 0.006); // 6/√(10⁶) ≈ six standard errors
        }
    }

    [Fact]
    public void The_same_global_seed_drops_the_same_elements_and_another_does_not()
    {
        using var scope = NewDisposeScope();
        Tensor x = ones(10_000);
        manual_seed(7);
        Tensor first = FastDropout.Apply(x, 0.1, training: true);
        manual_seed(7);
        Tensor again = FastDropout.Apply(x, 0.1, training: true);
        Tensor next = FastDropout.Apply(x, 0.1, training: true);

        Assert.True(first.equal(again).all().item<bool>());
        Assert.False(first.equal(next).all().item<bool>());
    }

    [Fact]
    public void Outside_training_or_at_zero_it_is_the_identity()
    {
        using var scope = NewDisposeScope();
        Tensor x = randn(100);
        Assert.Same(x, FastDropout.Apply(x, 0.1, training: false));
        Assert.Same(x, FastDropout.Apply(x, 0.0, training: true));
    }

    [Fact]
    public void The_gradient_is_the_mask()
    {
        using var scope = NewDisposeScope();
        Tensor x = randn(4096).requires_grad_(true);

        Tensor y = FastDropout.Apply(x, 0.2, training: true);
        y.sum().backward();

        Tensor expected = (y.detach() != 0).to_type(ScalarType.Float32) / 0.8;
        Assert.True(x.grad!.allclose(expected, rtol: 1e-6, atol: 0));
    }

    [Fact]
    public void A_bf16_mask_holds_bf16s_rounding_of_the_scale()
    {
        using var scope = NewDisposeScope();
        Tensor x = ones(10_000, dtype: ScalarType.BFloat16);

        Tensor y = FastDropout.Apply(x, 0.1, training: true);

        Assert.Equal(ScalarType.BFloat16, y.dtype);
        // 1/0.9 = 1.111…, whose nearest bf16 is 1.109375; LibTorch's own bf16 dropout mask holds the same value.
        Tensor kept = y.masked_select(y != 0).to_type(ScalarType.Float32);
        Assert.True(kept.eq(1.109375f).all().item<bool>());
        Assert.InRange((y == 0).sum().item<long>(), 850, 1150);
    }
}
