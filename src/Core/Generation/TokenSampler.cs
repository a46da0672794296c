using static TorchSharp.torch;

namespace TuningService.Core.Generation;

/// <summary>
/// Chooses the next token of every row from its logits: argmax at temperature 0, otherwise a draw from the
/// temperature-scaled distribution restricted by top-k and top-p, from a seeded generator so that a seed
/// reproduces a request exactly. The filters follow HF's TopKLogitsWarper and TopPLogitsWarper.
/// </summary>
internal sealed class TokenSampler : IDisposable
{
    private readonly GenerationOptions options;
    private readonly Generator? generator;

    public TokenSampler(GenerationOptions options, Device device)
    {
        this.options = options;
        if (options.Temperature > 0)
            generator = new Generator(unchecked((ulong)(options.Seed ?? Random.Shared.NextInt64())), device);
    }

    /// <summary>Logits [rows, vocab] float32 → chosen ids [rows] int64.</summary>
    public Tensor Choose(Tensor logits)
    {
        if (generator is null)
            return logits.argmax(-1);
        var scores = logits / options.Temperature;
        if (options.TopK is { } k && k < scores.shape[1])
            scores = KeepTopK(scores, k);
        if (options.TopP < 1.0)
            scores = KeepTopP(scores, options.TopP);
        return scores.softmax(-1).multinomial(1, generator: generator).squeeze(1);
    }

    public void Dispose() => generator?.Dispose();

    /// <summary>Drops every token scoring below the k-th best (ties with it stay, as in HF).</summary>
    private static Tensor KeepTopK(Tensor scores, int k)
    {
        var kth = scores.topk(k).values.narrow(1, k - 1, 1);
        return scores.masked_fill(scores < kth, double.NegativeInfinity);
    }

    /// <summary>Keeps the most likely tokens until their probabilities reach p; the most likely one always stays.</summary>
    private static Tensor KeepTopP(Tensor scores, double p)
    {
        var (sorted, order) = scores.sort(-1, descending: true);
        var probabilities = sorted.softmax(-1);
        // A token goes when the tokens ranked above it already hold at least p of the probability.
        var dropSorted = (probabilities.cumsum(-1) - probabilities) >= p;
        var drop = dropSorted.scatter(1, order, dropSorted);
        return scores.masked_fill(drop, double.NegativeInfinity);
    }
}
