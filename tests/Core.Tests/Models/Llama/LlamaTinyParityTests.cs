using System.Text.Json.Nodes;
using TuningService.Core.Generation;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.Llama;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Llama;

/// <summary>llama-tiny (GQA 4/2, untied) against fixtures/models/llama-tiny/golden.json.</summary>
public sealed class LlamaTinyParityTests : IDisposable
{
    private readonly LoadedModel loaded = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);
    private readonly JsonObject golden = Golden.Read(Path.Combine(TestPaths.LlamaTiny, "golden.json"));

    private LlamaForCausalLM Model => (LlamaForCausalLM)loaded.Model;

    [Fact]
    public void Batch_logits_match_golden_at_every_position_when_given_the_attention_mask()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = Model.forward(Golden.IdTensor(golden["inputs"]!["input_ids"]), Golden.IdTensor(golden["inputs"]!["attention_mask"]));

        Assert.Equal(Golden.Shape(golden["logits"]), logits.shape);
        Golden.AssertLogitsClose(Golden.Floats(golden["logits"]!["data"]), logits.data<float>().ToArray(), "batch logits");
    }

    [Fact]
    public void Batch_logits_match_golden_at_real_positions_without_a_mask()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var logits = Model.forward(Golden.IdTensor(golden["inputs"]!["input_ids"]));

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

        Assert.Equal(ScalarType.Float32, loss.dtype);
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
    public void Long_sequence_logits_argmax_logsumexp_and_loss_match_golden()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var longCase = golden["long_sequence"]!;
        var logits = Model.forward(Golden.IdTensor(longCase["inputs"]!["input_ids"]));

        var vocabIds = tensor(Golden.Longs(longCase["logits_subset"]!["vocab_ids"]));
        var subset = logits.index_select(2, vocabIds);
        Assert.Equal(Golden.Shape(longCase["logits_subset"]), subset.shape);
        Golden.AssertLogitsClose(Golden.Floats(longCase["logits_subset"]!["data"]), subset.data<float>().ToArray(), "long logits subset");
        Assert.Equal(Golden.Longs(longCase["argmax"]), logits.argmax(-1).data<long>().ToArray());
        Golden.AssertLogitsClose(Golden.Floats(longCase["logsumexp"]), logits.logsumexp(-1).data<float>().ToArray(), "long logsumexp");
        var loss = CausalLmLoss.Compute(logits, Golden.IdTensor(longCase["inputs"]!["labels"]));
        Golden.AssertLossClose(longCase["loss"]!.GetValue<double>(), loss.item<float>(), "long loss");
    }

    public void Dispose() => loaded.Dispose();
}
