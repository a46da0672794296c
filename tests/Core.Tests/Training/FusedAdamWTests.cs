using TorchSharp.Modules;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// The fused update against TorchSharp's own AdamW (the unfused arithmetic, an independent implementation), run
/// side by side on copies of the same parameters and gradients for several steps.
/// </summary>
public class FusedAdamWTests
{
    private const double LearningRate = 1e-2, WeightDecay = 0.1;

    // Sizes that are not multiples of any vector width, so the scalar tail is exercised; one bigger than a vector.
    private static readonly long[][] Shapes = [[37], [5, 13], [3], [1024, 3]];

    [Fact]
    public void Three_steps_match_TorchSharps_AdamW_with_the_same_betas()
    {
        using var scope = NewDisposeScope();
        List<Parameter> fusedParameters = NewParameters(seed: 1), referenceParameters = Copies(fusedParameters);
        using var fused = new FusedAdamW(fusedParameters, LearningRate, WeightDecay);
        using var reference = new AdamW(referenceParameters, LearningRate, FusedAdamW.Beta1, FusedAdamW.Beta2, FusedAdamW.Epsilon, WeightDecay);

        for (int step = 1; step <= 3; step++)
        {
            SetGradients(fusedParameters, referenceParameters, seed: 10 + step);
            double rate = LearningRate / step; // a changing rate, as a schedule gives
            fused.Step(rate);
            foreach (ParamGroup group in reference.ParamGroups)
            {
                group.LearningRate = rate;
            }
            reference.step();
        }

        for (int i = 0; i < fusedParameters.Count; i++)
        {
            // Moved about 3 × 1e-2 from where they started: an update that differed would be far outside this.
            Assert.True(fusedParameters[i].allclose(referenceParameters[i], rtol: 1e-5, atol: 1e-7), $"parameter {i}");
            var fusedState = (AdamW.State)fused.State.state_dict().State[i];
            var referenceState = (AdamW.State)reference.state_dict().State[i];
            Assert.Equal(3, fusedState.step);
            Assert.True(fusedState.exp_avg.allclose(referenceState.exp_avg, rtol: 1e-5, atol: 1e-8), $"first moment {i}");
            Assert.True(fusedState.exp_avg_sq.allclose(referenceState.exp_avg_sq, rtol: 1e-5, atol: 1e-10), $"second moment {i}");
        }
    }

    [Fact]
    public void The_update_moves_every_weight_and_skips_parameters_without_a_gradient()
    {
        using var scope = NewDisposeScope();
        List<Parameter> parameters = NewParameters(seed: 2);
        Tensor[] before = parameters.Select(p => p.detach().clone()).ToArray();
        using var optimizer = new FusedAdamW(parameters, LearningRate, WeightDecay);
        SetGradients(parameters, Copies(parameters), seed: 3);
        parameters[2].grad = null;

        optimizer.Step(LearningRate);

        // Adam's first step moves each weight by about the learning rate whatever the gradient's size.
        Assert.True((parameters[0] - before[0]).abs().min().item<float>() > LearningRate / 2);
        Assert.True(parameters[2].equal(before[2]).all().item<bool>());
        Assert.Equal(0, ((AdamW.State)optimizer.State.state_dict().State[2]).step);
    }

    [Fact]
    public void Parameters_the_fused_pass_cannot_take_get_TorchSharps_update()
    {
        using var scope = NewDisposeScope();
        // A float64 parameter beside a float32 one: the first takes the unfused path, the second the fused one.
        var wide = new Parameter(randn(7, dtype: ScalarType.Float64, generator: new Generator(5)));
        var narrow = new Parameter(randn(9, generator: new Generator(6)));
        var wideCopy = new Parameter(wide.detach().clone());
        var narrowCopy = new Parameter(narrow.detach().clone());
        using var fused = new FusedAdamW([wide, narrow], LearningRate, WeightDecay);
        using var reference = new AdamW([wideCopy, narrowCopy], LearningRate, FusedAdamW.Beta1, FusedAdamW.Beta2, FusedAdamW.Epsilon, WeightDecay);
        foreach ((Parameter p, Parameter copy, ulong seed) in new[] { (wide, wideCopy, 7UL), (narrow, narrowCopy, 8UL) })
        {
            p.grad = randn(p.shape, dtype: p.dtype, generator: new Generator(seed));
            copy.grad = p.grad.clone();
        }

        fused.Step(LearningRate);
        reference.step();

        Assert.True(wide.allclose(wideCopy, rtol: 1e-12, atol: 0));
        Assert.True(narrow.allclose(narrowCopy, rtol: 1e-5, atol: 1e-7));
        Assert.All(fused.State.state_dict().State, state => Assert.Equal(1, ((AdamW.State)state).step));
    }

    private static List<Parameter> NewParameters(int seed)
    {
        var generator = new Generator((ulong)seed);
        return Shapes.Select(shape => new Parameter(randn(shape, generator: generator))).ToList();
    }

    private static List<Parameter> Copies(List<Parameter> parameters) =>
        parameters.Select(p => new Parameter(p.detach().clone())).ToList();

    private static void SetGradients(List<Parameter> parameters, List<Parameter> copies, int seed)
    {
        var generator = new Generator((ulong)seed);
        for (int i = 0; i < parameters.Count; i++)
        {
            // Gradients of mixed scale, some tiny, as real ones are.
            Tensor grad = randn(parameters[i].shape, generator: generator) * Math.Pow(10, -i);
            parameters[i].grad = grad;
            copies[i].grad = grad.clone();
        }
    }
}
