namespace TuningService.Core.Training;

/// <summary>
/// Groups examples into right-padded batches. Padding goes to the longest sequence in each batch (not to the
/// model's context) so short datasets do not pay for empty positions, and batches of similar lengths
/// (<see cref="LengthGroupedBatches"/>) pay little; the last batch may be smaller.
/// </summary>
public sealed class Batcher
{
    private readonly int _batchSize;
    private readonly long _paddingId;
    private readonly bool _labelsAreShifted;

    /// <param name="labelsAreShifted">Causal LMs (true): labels align with inputs and position 0 predicts nothing.
    /// Seq2seq (false): labels are a separate target sequence, each one predicted.</param>
    public Batcher(int batchSize, int paddingId, bool labelsAreShifted = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _batchSize = batchSize;
        _paddingId = paddingId;
        _labelsAreShifted = labelsAreShifted;
    }

    public int BatchCount(int exampleCount) => (exampleCount + _batchSize - 1) / _batchSize;

    /// <summary>The epoch's batches in an order fixed by (seed, epoch): the same run replays the same batches.</summary>
    public IReadOnlyList<PaddedBatch> ShuffledBatches(IReadOnlyList<TokenizedExample> examples, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(examples);
        int[] order = ShuffledOrder(examples.Count, seed, epoch);
        return Batches(order.Select(i => examples[i]).ToList());
    }

    /// <summary>The epoch's batches of similar-length examples (see <see cref="LengthGroupedOrder"/>), fixed by (seed, epoch).</summary>
    public IReadOnlyList<PaddedBatch> LengthGroupedBatches(IReadOnlyList<TokenizedExample> examples, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return LengthGroupedOrder.Batches(examples, _batchSize, seed, epoch)
            .Select(batch => Pad(Array.ConvertAll(batch, i => examples[i])))
            .ToList();
    }

    /// <summary>Batches in the given order (validation needs no shuffling).</summary>
    public IReadOnlyList<PaddedBatch> Batches(IReadOnlyList<TokenizedExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return examples.Chunk(_batchSize).Select(Pad).ToList();
    }

    /// <summary>Batches of examples sorted by length: the least padding, for evaluation, where order does not matter.</summary>
    public IReadOnlyList<PaddedBatch> LengthSortedBatches(IReadOnlyList<TokenizedExample> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return Batches(LengthGroupedOrder.ByLength(Enumerable.Range(0, examples.Count), examples).Select(i => examples[i]).ToList());
    }

    /// <summary>A permutation of 0..count-1 from a Fisher–Yates shuffle seeded by seed and epoch.</summary>
    public static int[] ShuffledOrder(int count, int seed, int epoch)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        EpochRandom(seed, epoch).Shuffle(order);
        return order;
    }

    /// <summary>The generator behind an epoch's order.</summary>
    internal static Random EpochRandom(int seed, int epoch) =>
        // A seeded System.Random keeps its legacy algorithm across .NET versions, so an order replays in later runs.
        // Not HashCode.Combine: it is salted per process. The odd multiplier gives each epoch its own order.
        new(unchecked((seed * 1_000_003) + epoch));

    private PaddedBatch Pad(TokenizedExample[] examples)
    {
        if (!examples.Any(e => e.IsPair))
        {
            return PadRows(examples);
        }
        if (!examples.All(e => e.IsPair) || !_labelsAreShifted)
        {
            throw new ArgumentException("A batch of preference pairs holds pairs only, for a decoder-only model.", nameof(examples));
        }
        // TRL's concatenated forward: the preferred answers, then the non-preferred ones, in one right-padded batch.
        PaddedBatch rows = PadRows([.. examples, .. examples.Select(e => e.Rejected!)]);
        float[]? reference = examples.All(e => e.Reference is not null)
            ? [.. examples.Select(e => e.Reference!.Chosen), .. examples.Select(e => e.Reference!.Rejected)]
            : examples.Any(e => e.Reference is not null)
                ? throw new ArgumentException("Some pairs carry reference log-probs and some do not.", nameof(examples))
                : null;
        return rows with { PairCount = examples.Length, ReferenceLogProbs = reference };
    }

    private PaddedBatch PadRows(TokenizedExample[] rows)
    {
        // Each row is one sequence: a pair's own Length would be the longer of its two.
        int columns = rows.Max(r => r.InputIds.Length);
        int labelColumns = rows.Max(r => r.Labels.Length);
        var ids = new long[rows.Length * columns];
        var mask = new long[rows.Length * columns];
        var labels = new long[rows.Length * labelColumns];
        Array.Fill(ids, _paddingId);
        Array.Fill(labels, (long)CausalLmLoss.IgnoreIndex);
        int realTokens = 0, predictedTokens = 0;
        // A seq2seq target is a sequence of its own, padded in its own columns; causal labels share the input's.
        int positions = (rows.Length * columns) + (_labelsAreShifted ? 0 : rows.Length * labelColumns);
        for (int r = 0; r < rows.Length; r++)
        {
            TokenizedExample row = rows[r];
            for (int t = 0; t < row.InputIds.Length; t++)
            {
                ids[(r * columns) + t] = row.InputIds[t];
                mask[(r * columns) + t] = 1;
            }
            for (int t = 0; t < row.Labels.Length; t++)
            {
                labels[(r * labelColumns) + t] = row.Labels[t];
                // Causal: position 0 has nothing before it to predict from, so the shifted loss never sees its label.
                if ((t > 0 || !_labelsAreShifted) && row.Labels[t] != CausalLmLoss.IgnoreIndex)
                {
                    predictedTokens++;
                }
            }
            realTokens += row.InputIds.Length + (_labelsAreShifted ? 0 : row.Labels.Length);
        }
        return new PaddedBatch(ids, labels, rows.Length, columns, realTokens, predictedTokens, mask, labelColumns, positions);
    }
}
