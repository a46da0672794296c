using TorchSharp;
using TuningService.Core.Lora;
using TuningService.Core.Models.Checkpointing;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Lora;
using TuningService.Core.Tests.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Checkpointing;

/// <summary>
/// Checkpointed blocks give the loss and every gradient of the plain computation, for every family: GPT-2 and
/// FLAN-T5 have dropout 0.1 (and the LoRA variant adds adapter dropout everywhere), so the recomputation must draw
/// the same masks; T5's decoder blocks take the encoder output and the shared position bias as inputs, whose
/// gradients must reach the encoder and block 0's relative_attention_bias.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class BlockCheckpointingTests
{
    private static readonly LoraConfig Lora = new() { R = 4, Alpha = 8, Dropout = 0.1, TargetModules = [LoraConfig.AllLinear] };

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void Checkpointed_blocks_give_the_plain_loss_and_gradients(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);

        using var plain = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: 0);
        using var checkpointed = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 0);

        checkpointed.AssertSameAs(plain, name);
    }

    [Theory]
    [InlineData(LoraFixtures.Gpt2)]
    [InlineData(LoraFixtures.FlanT5)]
    public void Dropout_is_active_in_the_families_that_test_the_replay(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);

        using var one = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 0, seed: 1);
        using var other = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 0, seed: 2);

        Assert.NotEqual(one.Loss, other.Loss);
    }

    [Theory]
    [MemberData(nameof(LoraFixtures.Families), MemberType = typeof(LoraFixtures))]
    public void Checkpointed_lora_blocks_give_the_adapters_the_plain_gradients(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        var lora = LoraModel.Apply(loaded, Lora, seed: 1);
        LoraFixtures.RandomizeB(loaded.Model, seed: 2);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);

        using var plain = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: 0);
        using var checkpointed = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 0);

        checkpointed.AssertSameAs(plain, name);
        Assert.Equal(2 * lora.WrappedModules.Count, checkpointed.Gradients.Count);
        Assert.All(checkpointed.Gradients.Keys, key => Assert.Contains(".lora_", key, StringComparison.Ordinal));
    }

    /// <summary>
    /// In fp32 the T5 encoder's adapter gradients differ by float rounding (ObjectiveGradients' tolerance): the encoder
    /// output's gradient arrives block by block, summed in another order. In fp64 the difference must vanish to
    /// rounding of that precision; a wrong recomputation (another dropout mask, a lost input gradient) would not.
    /// </summary>
    [Fact]
    public void In_double_precision_t5_lora_gradients_agree_to_rounding()
    {
        using var loaded = LoraFixtures.Load(LoraFixtures.FlanT5);
        LoraModel.Apply(loaded, Lora, seed: 1);
        LoraFixtures.RandomizeB(loaded.Model, seed: 2);
        loaded.Model.to(ScalarType.Float64);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);

        using var plain = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: 0);
        using var checkpointed = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 0);

        checkpointed.AssertSameAs(plain, "fp64 flan-t5-tiny", relative: 1e-12, absolute: 1e-13);
    }

    [Theory]
    [InlineData(LoraFixtures.Llama)]
    [InlineData(LoraFixtures.Gpt2)]
    [InlineData("gemma2-tiny")]
    [InlineData(LoraFixtures.FlanT5)]
    public void Each_block_reports_once_when_its_gradients_are_final(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);
        var model = (IBlockCheckpointedModel)loaded.Model;
        var atReport = new List<(nn.Module Block, Dictionary<string, Tensor> Gradients)>();
        model.Checkpointing.GradientsReady = block => atReport.Add((block, block.named_parameters()
            // T5's relative_attention_bias feeds every block of its stack (BlockGradientsReady's remarks).
            .Where(p => p.parameter.grad is not null && !p.name.Contains("relative_attention_bias", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => p.parameter.grad!.detach().clone().DetachFromDisposeScope())));

        using var measured = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 0);
        model.Checkpointing.GradientsReady = null;

        var blocks = loaded.Model.modules().Where(m => m is Core.Models.Llama.LlamaDecoderLayer or Core.Models.Decoder.DecoderLayer
            or Core.Models.Gpt2.Gpt2Block or Core.Models.T5.T5Block).ToList();
        Assert.Equal(blocks.Count, atReport.Count);
        Assert.Equal(blocks.Count, atReport.Select(r => r.Block).Distinct().Count());
        Assert.All(atReport, report =>
        {
            Assert.NotEmpty(report.Gradients);
            var prefix = loaded.Model.named_modules().Single(m => ReferenceEquals(m.module, report.Block)).name + ".";
            Assert.All(report.Gradients, gradient => Assert.True(
                Golden.Identical(gradient.Value, measured.Gradients[prefix + gradient.Key]), $"{prefix}{gradient.Key} changed after its block reported"));
        });
    }

    [Fact]
    public void Eval_mode_and_no_grad_never_checkpoint()
    {
        using var loaded = LoraFixtures.Load(LoraFixtures.Llama);
        var model = (IBlockCheckpointedModel)loaded.Model;
        model.Checkpointing.Enabled = true;
        int reports = 0;
        model.Checkpointing.GradientsReady = _ => reports++;
        using var scope = NewDisposeScope();
        var (ids, _, labels) = ObjectiveGradients.Batch(loaded);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);

        loaded.Model.eval();
        objective.Compute(ids, ids, labels).Loss.backward();
        loaded.Model.train();
        using (no_grad())
            objective.Compute(ids, ids, labels);

        Assert.Equal(0, reports);
    }
}
