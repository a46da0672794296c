using System.Text.Json.Nodes;
using TuningService.Core.Generation;
using TuningService.Core.Models;
using TuningService.Core.Models.Gpt2;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Gpt2;

/// <summary>gpt2-tiny (tied wte, learned positions, gelu_new) against fixtures/models/gpt2-tiny/golden.json.</summary>
public sealed class Gpt2TinyParityTests : IDisposable
{
    private readonly LoadedModel loaded = PretrainedModelLoader.Load(Gpt2Fixtures.Tiny, CPU);
    private readonly JsonObject golden = Gpt2Fixtures.Golden();

    private Gpt2LMHeadModel Model => (Gpt2LMHeadModel)loaded.Model;

    [Fact]
    public void Batch_logits_match_golden_at_every_real_position()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = Model.forward(Golden.IdTensor(golden["inputs"]!["input_ids"]));

        Assert.Equal(Golden.Shape(golden["logits"]), logits.shape);
        var mask = Golden.Ints(golden["inputs"]!["attention_mask"]);
        var expected = Golden.Floats(golden["logits"]!["data"]);
        var actual = logits.data<float>().ToArray();
        var vocab = (int)logits.shape[2];
        var real = Enumerable.Range(0, mask.Length).Where(p => mask[p] == 1)
            .SelectMany(p => Enumerable.Range(p * vocab, vocab)).ToArray();
        Assert.Equal(15 * vocab, real.Length); // 9 + 6 real tokens
        Golden.AssertLogitsClose(real.Select(i => expected[i]).ToArray(), real.Select(i => actual[i]).ToArray(), "real-position logits");
    }

    [Fact]
    public void Batch_loss_matches_golden()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = Model.forward(Golden.IdTensor(golden["inputs"]!["input_ids"]));
        var loss = CausalLmLoss.Compute(logits, Golden.IdTensor(golden["inputs"]!["labels"]));

        Golden.AssertLossClose(golden["loss"]!.GetValue<double>(), loss.item<float>(), "batch loss");
    }

    [Fact]
    public void Greedy_continuation_matches_golden()
    {
        var greedy = golden["greedy"]!;
        var result = GreedyGenerator.Generate(Model, Golden.Ints(greedy["input_ids"]), greedy["max_new_tokens"]!.GetValue<int>(),
            stopTokenId: greedy["eos_token_id"]!.GetValue<int>());

        Assert.Equal(Golden.Ints(greedy["new_tokens"]), result.TokenIds);
        Assert.False(result.StoppedAtStopToken);
    }

    [Fact]
    public void Long_sequence_to_position_127_matches_golden()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var longCase = golden["long_sequence"]!;
        var logits = Model.forward(Golden.IdTensor(longCase["inputs"]!["input_ids"]));

        Assert.Equal(128, logits.shape[1]);
        var subset = logits.index_select(2, tensor(Golden.Longs(longCase["logits_subset"]!["vocab_ids"])));
        Assert.Equal(Golden.Shape(longCase["logits_subset"]), subset.shape);
        Golden.AssertLogitsClose(Golden.Floats(longCase["logits_subset"]!["data"]), subset.data<float>().ToArray(), "long logits subset");
        Assert.Equal(Golden.Longs(longCase["argmax"]), logits.argmax(-1).data<long>().ToArray());
        Golden.AssertLogitsClose(Golden.Floats(longCase["logsumexp"]), logits.logsumexp(-1).data<float>().ToArray(), "long logsumexp");
        var loss = CausalLmLoss.Compute(logits, Golden.IdTensor(longCase["inputs"]!["labels"]));
        Golden.AssertLossClose(longCase["loss"]!.GetValue<double>(), loss.item<float>(), "long loss");
    }

    [Fact]
    public void Sizes_follow_the_config_and_lm_head_is_not_stored()
    {
        Assert.Equal(124_672, loaded.ParameterCount); // fixtures README: 124 672 params
        Assert.Equal((256, 128), (Model.VocabSize, Model.MaxPositions));
        Assert.DoesNotContain("lm_head.weight", Model.state_dict().Keys);
        Assert.Equal([64, 192], Model.state_dict()["transformer.h.0.attn.c_attn.weight"].shape); // Conv1D: [in, out]
    }

    [Fact]
    public void Positions_past_n_positions_are_refused()
    {
        using var scope = NewDisposeScope();
        var error = Assert.Throws<ArgumentException>(() => Model.forward(zeros(1, 129, ScalarType.Int64)));
        Assert.Contains("n_positions (128)", error.Message);
    }

    public void Dispose() => loaded.Dispose();
}
