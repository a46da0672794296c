using TuningService.Core.Lora;
using TuningService.Core.Tests.Lora;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Training;

/// <summary>
/// The loss taken chunk by chunk from the hidden states (TrainingOptions.LossChunkPositions) equals the loss over the
/// full logits, with the same gradients, the output head's included (untied lm_head, tied embedding, Gemma 2's
/// soft-capping, T5's rescaled tied projection), for chunks that do not divide the number of positions.
/// </summary>
[Collection(TorchGlobalStateCollection.Name)]
public sealed class ChunkedLossTests
{
    public static TheoryData<string> Families => [.. LoraFixtures.Families, "t5-v1_0-tiny"];

    [Theory]
    [MemberData(nameof(Families))]
    public void Chunked_loss_gives_the_full_logits_loss_and_gradients(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);

        using var plain = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: 0);
        using var chunked = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: 7);
        using var both = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 7);

        chunked.AssertSameAs(plain, $"{name} chunked");
        both.AssertSameAs(plain, $"{name} chunked and checkpointed");
        Assert.Contains(plain.Gradients.Keys, key => key is "lm_head.weight" or "shared.weight" or "model.embed_tokens.weight" or "transformer.wte.weight");
    }

    [Theory]
    [InlineData(LoraFixtures.Llama)]
    [InlineData(LoraFixtures.FlanT5)]
    [InlineData("gemma2-tiny")]
    public void Chunked_loss_gives_lora_adapters_the_plain_gradients(string name)
    {
        using var loaded = LoraFixtures.Load(name);
        LoraModel.Apply(loaded, new LoraConfig { R = 4, Alpha = 8, TargetModules = [LoraConfig.AllLinear] }, seed: 1);
        LoraFixtures.RandomizeB(loaded.Model, seed: 2);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);

        using var plain = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: 0);
        using var chunked = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 5);

        chunked.AssertSameAs(plain, name);
        Assert.NotEmpty(chunked.Gradients);
    }

    [Fact]
    public void Chunk_sizes_from_one_to_beyond_the_positions_give_the_same_loss()
    {
        using var loaded = LoraFixtures.Load(LoraFixtures.Gpt2);
        var objective = ObjectiveGradients.ObjectiveFor(loaded);
        using var plain = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: 0);

        foreach (int chunk in new[] { 1, 24, 1000 })
        {
            using var chunked = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: chunk);
            chunked.AssertSameAs(plain, $"chunks of {chunk}");
        }
    }

    [Fact]
    public void Dpo_log_probs_and_gradients_in_chunks_equal_those_of_the_full_logits()
    {
        using var loaded = LoraFixtures.Load("qwen2-tiny");
        LoraModel.Apply(loaded, new LoraConfig { R = 4, Alpha = 8, TargetModules = [LoraConfig.AllLinear] }, seed: 1);
        LoraFixtures.RandomizeB(loaded.Model, seed: 2);
        var model = (Core.Models.CausalLanguageModel)loaded.Model;
        // One pair: row 0 preferred, row 1 not; the reference is the model with its adapters off.
        var objective = new PreferenceObjective(model, new PreferenceLossOptions(), PreferenceReference.AdaptersDisabled);
        using var scope = NewDisposeScope();
        var (ids, mask, labels) = ObjectiveGradients.Batch(loaded);

        Tensor plainScores = objective.Score(ids, labels, asReference: false);
        using var plain = ObjectiveGradients.Measure(loaded, objective, checkpointing: false, lossChunkPositions: 0);
        objective.UseLossChunks(5);
        Tensor chunkedScores = objective.Score(ids, labels, asReference: false);
        objective.UseLossChunks(0);
        using var chunked = ObjectiveGradients.Measure(loaded, objective, checkpointing: true, lossChunkPositions: 5);

        Assert.True(chunkedScores.allclose(plainScores, 1e-5, 1e-6), "summed log-probs differ");
        chunked.AssertSameAs(plain, "DPO");
    }

    [Fact]
    public void A_model_without_a_split_head_refuses_chunks()
    {
        var objective = new CausalObjective(new TinyCausalLm(16, 8));

        Assert.False(((ITrainingObjective)objective).SupportsLossChunks);
        Assert.Throws<NotSupportedException>(() => objective.UseLossChunks(4));
    }
}
