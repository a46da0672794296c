using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Generation;

/// <summary>
/// Next-token logits from an encoder-decoder model: the prompts are encoded once (right-padded, masked), then the
/// decoder runs from its start token, fed one token per step with its cache, or recomputed from the start without.
/// </summary>
internal sealed class Seq2SeqScorer : INextTokenScorer
{
    private readonly Seq2SeqLanguageModel model;
    private readonly KeyValueCache? cache;
    private readonly Tensor encoded, mask;
    private readonly List<long>[] decoded;
    private readonly Device device;

    public Seq2SeqScorer(Seq2SeqLanguageModel model, IReadOnlyList<IReadOnlyList<int>> prompts, bool useCache, Device device)
    {
        this.model = model;
        this.device = device;
        var longest = prompts.Max(p => p.Count);
        var ids = new long[prompts.Count * longest];
        var maskValues = new long[prompts.Count * longest];
        for (var row = 0; row < prompts.Count; row++)
            for (var t = 0; t < prompts[row].Count; t++)
            {
                ids[row * longest + t] = prompts[row][t];
                maskValues[row * longest + t] = 1;
            }
        // Both outlive every step's dispose scope: they are needed until the last token.
        mask = tensor(maskValues, [prompts.Count, longest], ScalarType.Int64, device).DetachFromDisposeScope();
        using (var inputIds = tensor(ids, [prompts.Count, longest], ScalarType.Int64, device))
            encoded = model.Encode(inputIds, mask).DetachFromDisposeScope();
        cache = useCache ? model.CreateDecoderCache() : null;
        decoded = prompts.Select(_ => new List<long> { model.DecoderStartTokenId }).ToArray();
    }

    public int Rows => decoded.Length;

    public Tensor Start() => Decode(AllDecoded());

    public Tensor Next(IReadOnlyList<int> tokens)
    {
        for (var row = 0; row < Rows; row++)
            decoded[row].Add(tokens[row]);
        return Decode(cache is null ? AllDecoded() : tensor(tokens.Select(t => (long)t).ToArray(), [Rows, 1], ScalarType.Int64, device));
    }

    public void Dispose()
    {
        cache?.Dispose();
        encoded.Dispose();
        mask.Dispose();
    }

    private Tensor Decode(Tensor decoderIds) => model.Decode(decoderIds, encoded, mask, cache).select(1, -1);

    private Tensor AllDecoded()
    {
        var length = decoded[0].Count;
        return tensor(decoded.SelectMany(d => d).ToArray(), [Rows, length], ScalarType.Int64, device);
    }
}
