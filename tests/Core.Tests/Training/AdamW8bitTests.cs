using TorchSharp.Modules;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>AdamW8bit beside FusedAdamW on the same parameters and gradients.</summary>
public sealed class AdamW8bitTests : IDisposable
{
    private const double LearningRate = 1e-2, WeightDecay = 0.1;

    // Under, at and over bitsandbytes' 4096-element threshold; the last not a multiple of the 256-element block.
    private static readonly long[][] Shapes = [[4095], [64, 64], [3, 5000], [7]];

    private readonly string _folder = TrainerTestKit.NewTempFolder();

    [Fact]
    public void Parameters_under_4096_elements_keep_float32_moments_and_match_AdamW()
    {
        using var scope = NewDisposeScope();
        List<Parameter> parameters = NewParameters(seed: 1), copies = Copies(parameters);
        using var quantized = new AdamW8bit(parameters, WeightDecay);
        using var reference = new FusedAdamW(copies, LearningRate, WeightDecay);

        for (int step = 1; step <= 5; step++)
        {
            SetGradients(parameters, copies, seed: 10 + step);
            quantized.Step(LearningRate / step);
            reference.Step(LearningRate / step);
        }

        Assert.Equal([false, true, true, false], Enumerable.Range(0, Shapes.Length).Select(i => quantized.StateOf(i).IsQuantized));
        foreach (int i in new[] { 0, 3 })
        {
            // The same update on float32 moments: the same bits.
            var state = (AdamW.State)reference.State.state_dict().State[i];
            Assert.True(parameters[i].equal(copies[i]).all().item<bool>(), $"parameter {i}");
            Assert.True(quantized.StateOf(i).Mean!.equal(state.exp_avg.view(-1)).all().item<bool>());
            Assert.True(quantized.StateOf(i).Variance!.equal(state.exp_avg_sq.view(-1)).all().item<bool>());
        }
        Assert.All(Enumerable.Range(0, Shapes.Length), i => Assert.Equal(5, quantized.StateOf(i).Step));
    }

    [Fact]
    public void The_CPU_loop_and_the_tensor_operations_give_the_same_state_and_weights_to_the_last_bit_of_a_square_root()
    {
        // Both paths round the same operations in the same order, so the moments (codes, absmax, small parameters'
        // float32 moments) are the same bits. The weights differ only where libtorch's vectorized float32 sqrt is
        // not correctly rounded (a last-bit difference in about one root in six, seen on this CPU; C#'s is IEEE):
        // one ulp of the denominator, so a relative 1.2e-7 of one update.
        using var scope = NewDisposeScope();
        List<Parameter> parameters = NewParameters(seed: 7), copies = Copies(parameters);
        using var loop = new AdamW8bit(parameters, WeightDecay, cpuLoop: true);
        using var tensors = new AdamW8bit(copies, WeightDecay, cpuLoop: false);

        for (int step = 1; step <= 4; step++)
        {
            SetGradients(parameters, copies, seed: 300 + step);
            loop.Step(LearningRate / step);
            tensors.Step(LearningRate / step);
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            // Each step rounds w − update to w's precision, so a last-bit difference in an update (~1e-9 here) can
            // move w by one ulp of w (2⁻²³ relative) per step: at most 4 of them after four steps.
            Assert.True(parameters[i].allclose(copies[i], rtol: 4 * Math.Pow(2, -23), atol: 1e-8), $"parameter {i}: {(parameters[i] - copies[i]).abs().max().item<float>()}");
            foreach (((string name, Tensor a), (_, Tensor b)) in loop.StateOf(i).Tensors().Zip(tensors.StateOf(i).Tensors()))
            {
                Assert.True(a.equal(b).all().item<bool>(), $"parameter {i} {name}");
            }
        }
    }

    [Fact]
    public void The_first_step_equals_AdamWs_because_it_uses_the_moments_before_requantizing()
    {
        using var scope = NewDisposeScope();
        List<Parameter> parameters = NewParameters(seed: 2), copies = Copies(parameters);
        using var quantized = new AdamW8bit(parameters, WeightDecay);
        using var reference = new FusedAdamW(copies, LearningRate, WeightDecay);
        SetGradients(parameters, copies, seed: 3);

        quantized.Step(LearningRate);
        reference.Step(LearningRate);

        for (int i = 0; i < parameters.Count; i++)
        {
            Assert.True(parameters[i].allclose(copies[i], rtol: 1e-5, atol: 1e-7), $"parameter {i}");
        }
    }

    [Fact]
    public void Quantized_moments_stay_within_their_blocks_resolution_of_AdamWs_over_steps()
    {
        // Each step requantizes m and v, each off by at most half a gap of the map times the block's absmax
        // (BlockwiseQuantizedTensorTests); the error of an old step decays with β, so after many steps the
        // difference is at most that bound summed over the geometric series: 1/(1 − β) of it, 10× (m) and 1000× (v,
        // more than any block's absmax, hence the check on m only).
        using var scope = NewDisposeScope();
        List<Parameter> parameters = NewParameters(seed: 4), copies = Copies(parameters);
        using var quantized = new AdamW8bit(parameters, WeightDecay);
        using var reference = new FusedAdamW(copies, LearningRate, WeightDecay);
        for (int step = 1; step <= 20; step++)
        {
            SetGradients(parameters, copies, seed: 100 + step);
            quantized.Step(LearningRate);
            reference.Step(LearningRate);
        }

        foreach (int i in new[] { 1, 2 })
        {
            Tensor mean = quantized.StateOf(i).Moments().Mean;
            Tensor expected = ((AdamW.State)reference.State.state_dict().State[i]).exp_avg.view(-1);
            Tensor absmax = quantized.StateOf(i).QuantizedMean!.Absmax.repeat_interleave(256).narrow(0, 0, mean.shape[0]);
            Tensor error = (mean - expected).abs();
            Assert.True((error <= absmax * (0.9 / 64 / 2 / (1 - FusedAdamW.Beta1))).all().item<bool>(),
                $"parameter {i}: largest error / absmax {(error / absmax).max().item<float>()}");
        }
    }

    [Fact]
    public void A_state_saved_and_loaded_continues_exactly()
    {
        using var scope = NewDisposeScope();
        List<Parameter> parameters = NewParameters(seed: 5), copies = Copies(parameters);
        using var uninterrupted = new AdamW8bit(parameters, WeightDecay);
        string path = Path.Combine(_folder, AdamW8bit.FileName);
        for (int step = 1; step <= 6; step++)
        {
            if (step == 4)
            {
                uninterrupted.SaveState(path);
                for (int i = 0; i < parameters.Count; i++)
                {
                    using var noGrad = no_grad();
                    copies[i].copy_(parameters[i]);
                }
            }
            SetGradients(parameters, copies, seed: 200 + step);
            uninterrupted.Step(LearningRate);
        }

        using var resumed = new AdamW8bit(copies, WeightDecay);
        resumed.LoadState(path, CPU);
        for (int step = 4; step <= 6; step++)
        {
            SetGradients(copies, Copies(copies), seed: 200 + step);
            resumed.Step(LearningRate);
        }

        for (int i = 0; i < parameters.Count; i++)
        {
            Assert.True(parameters[i].equal(copies[i]).all().item<bool>(), $"parameter {i}");
            Assert.Equal(6, resumed.StateOf(i).Step);
        }
    }

    [Fact]
    public void A_state_of_other_parameters_is_refused()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_folder, AdamW8bit.FileName);
        using (var saved = new AdamW8bit(NewParameters(seed: 6), WeightDecay))
        {
            saved.SaveState(path);
        }
        using var other = new AdamW8bit([new Parameter(zeros(5000))], WeightDecay);

        Assert.Throws<InvalidDataException>(() => other.LoadState(path, CPU));
    }

    [Fact]
    public void The_state_takes_about_2_bytes_per_quantized_element()
    {
        using var scope = NewDisposeScope();
        using var optimizer = new AdamW8bit([new Parameter(zeros(1 << 20)), new Parameter(zeros(100))], WeightDecay);

        // Codes: 1 byte per element and moment; absmax: 4 bytes per 256 elements and moment; the small one: 8 bytes.
        Assert.Equal(2 * ((1 << 20) + 4 * (1 << 20) / 256) + 8 * 100, optimizer.StateBytes);
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

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
