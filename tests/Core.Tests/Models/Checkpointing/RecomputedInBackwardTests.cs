using TuningService.Core.Models;
using TuningService.Core.Models.Checkpointing;
using TuningService.Core.Tests.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Checkpointing;

/// <summary>The recomputing function on its own: gradients of several inputs and of closed-over weights, dropout
/// replayed, and torch's generator left where the plain computation leaves it.</summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class RecomputedInBackwardTests
{
    private sealed record Outcome(Tensor Gradient0, Tensor Gradient1, Tensor WeightGradient, Tensor Output, Tensor NextDraw);

    [Fact]
    public void Gradients_dropout_and_the_generator_match_the_plain_computation()
    {
        using var scope = NewDisposeScope();
        var plain = Run(recompute: false);
        var recomputed = Run(recompute: true);

        Assert.True(Golden.Identical(plain.Output, recomputed.Output));
        Assert.True(recomputed.Gradient0.allclose(plain.Gradient0, 1e-6, 1e-7));
        Assert.True(recomputed.Gradient1.allclose(plain.Gradient1, 1e-6, 1e-7));
        Assert.True(recomputed.WeightGradient.allclose(plain.WeightGradient, 1e-6, 1e-7));
        Assert.True(Golden.Identical(plain.NextDraw, recomputed.NextDraw), "the generator is not where the plain computation leaves it");
    }

    [Fact]
    public void A_body_whose_inputs_need_no_gradient_still_gives_its_weights_theirs()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        var weight = randn([6, 6], generator: generator).requires_grad_(true);
        var frozenInput = randn([4, 6], generator: generator); // e.g. a frozen embedding's output under LoRA

        RecomputedInBackward.Apply(inputs => inputs[0].matmul(weight).tanh(), [frozenInput], replayRandomness: false).sum().backward();

        var expected = weight.detach().clone().requires_grad_(true);
        frozenInput.matmul(expected).tanh().sum().backward();
        Assert.NotNull(weight.grad);
        Assert.True(weight.grad!.allclose(expected.grad!, 1e-6, 1e-7));
    }

    private static Outcome Run(bool recompute)
    {
        using var generator = new Generator(7, CPU);
        var weight = randn([8, 8], generator: generator).requires_grad_(true);
        var a = randn([3, 5, 8], generator: generator).requires_grad_(true);
        var b = randn([3, 5, 8], generator: generator).requires_grad_(true);
        // Dropout (FastDropout draws its seed from torch's global generator) on both sides of the weight.
        Func<Tensor[], Tensor> body = inputs =>
            FastDropout.Apply(FastDropout.Apply(inputs[0], 0.3, training: true).matmul(weight) * inputs[1], 0.2, training: true);
        manual_seed(21);
        var output = recompute ? RecomputedInBackward.Apply(body, [a, b], replayRandomness: true) : body([a, b]);
        (output * output).sum().backward();
        return new Outcome(a.grad!.clone(), b.grad!.clone(), weight.grad!.clone(), output.detach().clone(), rand(4));
    }
}
