using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Generation;

/// <summary>
/// Next-token logits from a decoder-only model, with its key/value cache (feeding only the new token each step) or
/// by recomputing the whole sequence. Prompts of different lengths are left-padded and masked, so every row's
/// positions start at 0 as they would alone; equal lengths need no mask.
/// </summary>
internal sealed class CausalScorer : INextTokenScorer
{
    private readonly CausalLanguageModel model;
    private readonly KeyValueCache? cache;
    private readonly List<long>[] sequences;
    private readonly long[] padding;
    private readonly bool padded;
    private readonly Device device;

    /// <param name="useCache">Use the model's cache when it has one (<see cref="CausalLanguageModel.CreateCache"/>).</param>
    public CausalScorer(CausalLanguageModel model, IReadOnlyList<IReadOnlyList<int>> prompts, bool useCache, Device device)
    {
        this.model = model;
        this.device = device;
        sequences = prompts.Select(p => p.Select(id => (long)id).ToList()).ToArray();
        var longest = sequences.Max(s => s.Count);
        padding = sequences.Select(s => (long)(longest - s.Count)).ToArray();
        padded = padding.Any(p => p > 0);
        if (padded && !model.SupportsLeftPadding)
            throw new NotSupportedException($"{model.GetType().Name} cannot mask padding; batch prompts of equal length only.");
        cache = useCache ? model.CreateCache() : null;
    }

    private int Rows => sequences.Length;

    private int Length => sequences[0].Count + (int)padding[0];

    public Tensor Start() => LastPosition(Forward(AllIds()));

    public Tensor Next(IReadOnlyList<int> tokens)
    {
        for (var row = 0; row < Rows; row++)
            sequences[row].Add(tokens[row]);
        var ids = cache is null
            ? AllIds()
            : tensor(tokens.Select(t => (long)t).ToArray(), [Rows, 1], ScalarType.Int64, device);
        return LastPosition(Forward(ids));
    }

    public void Dispose() => cache?.Dispose();

    private Tensor Forward(Tensor ids) => (padded, cache) switch
    {
        (true, _) => model.ForwardLeftPadded(ids, PaddingMask(), cache),
        (false, { } kv) => model.Forward(ids, kv),
        (false, null) => model.forward(ids),
    };

    /// <summary>[rows, length]: padding first, then the row's tokens. The pad value is never attended to.</summary>
    private Tensor AllIds()
    {
        var ids = new long[Rows * Length];
        for (var row = 0; row < Rows; row++)
            sequences[row].CopyTo(ids, row * Length + (int)padding[row]);
        return tensor(ids, [Rows, Length], ScalarType.Int64, device);
    }

    /// <summary>[rows, length] with 1 where a row has a token (every position from its padding on).</summary>
    private Tensor PaddingMask() =>
        arange(Length, ScalarType.Int64, device).unsqueeze(0) >= tensor(padding, ScalarType.Int64, device).unsqueeze(1);

    private static Tensor LastPosition(Tensor logits) => logits.select(1, -1);
}
