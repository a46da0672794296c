using TuningService.Core.Generation;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.T5;

/// <summary>T5 v1.0, FLAN-T5 and merged-LoRA FLAN-T5 tiny checkpoints against their golden.json.</summary>
public sealed class T5TinyParityTests
{
    [Theory]
    [MemberData(nameof(T5Fixtures.All), MemberType = typeof(T5Fixtures))]
    public void Batch_logits_match_golden_at_every_position(string name)
    {
        var golden = T5Fixtures.Golden(name);
        using var loaded = T5Fixtures.Load(name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inputIds, mask, _, decoderInputIds) = T5Fixtures.Batch(golden["inputs"]!);

        var logits = loaded.Model().forward(inputIds, mask, decoderInputIds);

        Assert.Equal(Golden.Shape(golden["logits"]), logits.shape);
        Golden.AssertLogitsClose(Golden.Floats(golden["logits"]!["data"]), logits.data<float>().ToArray(), $"{name} batch logits");
    }

    [Theory]
    [MemberData(nameof(T5Fixtures.All), MemberType = typeof(T5Fixtures))]
    public void Encoder_output_matches_golden(string name)
    {
        var golden = T5Fixtures.Golden(name);
        using var loaded = T5Fixtures.Load(name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inputIds, mask, _, _) = T5Fixtures.Batch(golden["inputs"]!);

        var hidden = loaded.Model().Encode(inputIds, mask);

        Assert.Equal(Golden.Shape(golden["encoder_last_hidden_state"]), hidden.shape);
        Golden.AssertLogitsClose(Golden.Floats(golden["encoder_last_hidden_state"]!["data"]), hidden.data<float>().ToArray(), $"{name} encoder output");
    }

    [Theory]
    [MemberData(nameof(T5Fixtures.All), MemberType = typeof(T5Fixtures))]
    public void Batch_loss_from_shifted_labels_matches_golden(string name)
    {
        var golden = T5Fixtures.Golden(name);
        using var loaded = T5Fixtures.Load(name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inputIds, mask, labels, _) = T5Fixtures.Batch(golden["inputs"]!);
        var model = loaded.Model();

        var logits = model.forward(inputIds, mask, Seq2SeqLoss.ShiftRight(labels, model.DecoderStartTokenId, model.Config.PadTokenId));
        var loss = Seq2SeqLoss.Compute(logits, labels);

        Assert.Equal(ScalarType.Float32, loss.dtype);
        Golden.AssertLossClose(golden["loss"]!.GetValue<double>(), loss.item<float>(), $"{name} batch loss");
    }

    [Theory]
    [MemberData(nameof(T5Fixtures.All), MemberType = typeof(T5Fixtures))]
    public void Greedy_continuation_matches_golden_with_and_without_the_cache(string name)
    {
        var greedy = T5Fixtures.Golden(name)["greedy"]!;
        using var loaded = T5Fixtures.Load(name);
        var (input, maxNew, eos) = (Golden.Ints(greedy["input_ids"]), greedy["max_new_tokens"]!.GetValue<int>(), greedy["eos_token_id"]!.GetValue<int>());

        var cached = Seq2SeqGreedyGenerator.Generate(loaded.Model(), input, maxNew, eos, useCache: true);
        var recomputed = Seq2SeqGreedyGenerator.Generate(loaded.Model(), input, maxNew, eos, useCache: false);

        Assert.Equal(Golden.Ints(greedy["new_tokens"]), cached.TokenIds);
        Assert.Equal(Golden.Ints(greedy["new_tokens"]), recomputed.TokenIds);
        Assert.False(cached.StoppedAtStopToken);
    }

    [Theory]
    [MemberData(nameof(T5Fixtures.All), MemberType = typeof(T5Fixtures))]
    public void Long_sequence_logits_argmax_logsumexp_and_loss_match_golden(string name)
    {
        var longCase = T5Fixtures.Golden(name)["long_sequence"]!;
        using var loaded = T5Fixtures.Load(name);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var inputs = longCase["inputs"]!;
        var (labels, decoderInputIds) = (Golden.IdTensor(inputs["labels"]), Golden.IdTensor(inputs["decoder_input_ids"]));

        var inputIds = Golden.IdTensor(inputs["input_ids"]);
        Assert.Equal([1, 150], inputIds.shape); // reaches the log-spaced and saturated buckets
        Assert.Equal([1, 40], decoderInputIds.shape);

        var logits = loaded.Model().forward(inputIds, decoderInputIds);

        var subset = logits.index_select(2, tensor(Golden.Longs(longCase["logits_subset"]!["vocab_ids"])));
        Assert.Equal(Golden.Shape(longCase["logits_subset"]), subset.shape);
        Golden.AssertLogitsClose(Golden.Floats(longCase["logits_subset"]!["data"]), subset.data<float>().ToArray(), $"{name} long logits subset");
        Assert.Equal(Golden.Longs(longCase["argmax"]), logits.argmax(-1).data<long>().ToArray());
        Golden.AssertLogitsClose(Golden.Floats(longCase["logsumexp"]), logits.logsumexp(-1).data<float>().ToArray(), $"{name} long logsumexp");
        Golden.AssertLossClose(longCase["loss"]!.GetValue<double>(), Seq2SeqLoss.Compute(logits, labels).item<float>(), $"{name} long loss");
    }
}
