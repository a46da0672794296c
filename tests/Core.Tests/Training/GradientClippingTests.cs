using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

public class GradientClippingTests
{
    // Two parameters whose gradients are [3] and [4]: global L2 norm 5.
    private static (Parameter A, Parameter B) ParametersWithGradients()
    {
        var a = new Parameter(zeros(1));
        var b = new Parameter(zeros(1));
        ((a * 3).sum() + (b * 4).sum()).backward();
        return (a, b);
    }

    [Fact]
    public void Scales_gradients_to_the_max_norm_and_returns_the_norm_before()
    {
        using var scope = NewDisposeScope();
        (Parameter a, Parameter b) = ParametersWithGradients();

        float norm = GradientClipping.ClipByGlobalNorm([a, b], maxNorm: 1.0).item<float>();

        Assert.Equal(5f, norm, tolerance: 1e-6f);
        Assert.Equal(0.6f, a.grad!.item<float>(), tolerance: 1e-6f);
        Assert.Equal(0.8f, b.grad!.item<float>(), tolerance: 1e-6f);
    }

    [Theory]
    [InlineData(10.0)]
    [InlineData(0.0)] // clipping off
    public void Leaves_gradients_alone_below_the_max_norm_or_when_off(double maxNorm)
    {
        using var scope = NewDisposeScope();
        (Parameter a, Parameter b) = ParametersWithGradients();

        float norm = GradientClipping.ClipByGlobalNorm([a, b], maxNorm).item<float>();

        Assert.Equal(5f, norm, tolerance: 1e-6f);
        Assert.Equal(3f, a.grad!.item<float>(), tolerance: 1e-6f);
        Assert.Equal(4f, b.grad!.item<float>(), tolerance: 1e-6f);
    }
}
