using TuningService.Core.Generation;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.T5;

/// <summary>Dropout (config dropout_rate 0.1) acts in training mode only, as in HF.</summary>
public sealed class T5TrainingModeTests
{
    [Fact]
    public void Training_mode_applies_dropout_and_eval_mode_is_deterministic()
    {
        using var loaded = T5Fixtures.Load(T5Fixtures.FlanTiny);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inputIds, mask, _, decoderInputIds) = T5Fixtures.Batch(T5Fixtures.Golden(T5Fixtures.FlanTiny)["inputs"]!);
        var model = loaded.Model();

        var eval1 = model.forward(inputIds, mask, decoderInputIds);
        var eval2 = model.forward(inputIds, mask, decoderInputIds);
        model.train();
        var trained = model.forward(inputIds, mask, decoderInputIds);
        model.eval();

        Assert.True(Golden.Identical(eval1, eval2));
        Assert.False(trained.allclose(eval1, rtol: 0, atol: 1e-3));
    }

    [Theory]
    [InlineData(T5Fixtures.V10Tiny)]
    [InlineData(T5Fixtures.FlanTiny)]
    public void Every_parameter_gets_a_gradient_and_a_gradient_step_lowers_the_loss(string name)
    {
        using var loaded = T5Fixtures.Load(name);
        using var scope = NewDisposeScope();
        var (inputIds, mask, labels, decoderInputIds) = T5Fixtures.Batch(T5Fixtures.Golden(name)["inputs"]!);
        var model = loaded.Model(); // eval mode: no dropout, so the two losses differ only by the step

        var before = Seq2SeqLoss.Compute(model.forward(inputIds, mask, decoderInputIds), labels);
        before.backward();
        var parameters = model.named_parameters().ToList();
        Assert.All(parameters, p => Assert.True(p.parameter.grad is { } g && g.abs().sum().item<float>() > 0, $"{p.name} has no gradient"));
        using (no_grad())
            foreach (var (_, parameter) in parameters)
                parameter.sub_(parameter.grad! * 0.05);
        var after = Seq2SeqLoss.Compute(model.forward(inputIds, mask, decoderInputIds), labels);

        Assert.True(after.item<float>() < before.item<float>(), $"loss {before.item<float>()} → {after.item<float>()}");
    }

    [Fact]
    public void Generation_leaves_the_model_in_the_mode_it_found_it()
    {
        using var loaded = T5Fixtures.Load(T5Fixtures.V10Tiny);
        var model = loaded.Model();
        model.train();

        Seq2SeqGreedyGenerator.Generate(model, [164, 6, 124, 1], maxNewTokens: 1, stopTokenId: null);

        Assert.True(model.training);
    }

    [Fact]
    public void Generation_stops_at_the_stop_token_without_returning_it()
    {
        // t5-v1_0-tiny golden: [164, 6, 124, 6, 191, 68, 10, 231, 1] continues with 220, 200, 244, ...
        using var loaded = T5Fixtures.Load(T5Fixtures.V10Tiny);

        var result = Seq2SeqGreedyGenerator.Generate(loaded.Model(), [164, 6, 124, 6, 191, 68, 10, 231, 1], maxNewTokens: 8, stopTokenId: 244);

        Assert.Equal([220, 200], result.TokenIds);
        Assert.True(result.StoppedAtStopToken);
    }
}
