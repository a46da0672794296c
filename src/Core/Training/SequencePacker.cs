namespace TuningService.Core.Training;

/// <summary>
/// Packs several short causal-LM examples into each row, up to a row length, so that fewer positions are padding.
/// Examples are never split: each row holds whole examples back to back, numbered 1, 2, 3, … in the batch's
/// segment ids (0 = padding), and the model keeps attention inside each one (CausalLanguageModel.ForwardPacked).
/// </summary>
/// <remarks>
/// Written here because TorchSharp has no packing collator. Next-fit over a shuffled order (start a new row when
/// the next example does not fit) rather than first-fit: it is linear in the number of examples, keeps the
/// shuffle's randomness within rows, and its rows replay exactly under (seed, epoch).
/// </remarks>
public sealed class SequencePacker
{
    private readonly int _rowLength;
    private readonly int _rowsPerBatch;
    private readonly long _paddingId;

    /// <param name="rowLength">The longest packed row (the objective's MaxInputLength).</param>
    /// <param name="rowsPerBatch">Packed rows per batch (the batch size).</param>
    public SequencePacker(int rowLength, int rowsPerBatch, int paddingId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowsPerBatch, 1);
        _rowLength = rowLength;
        _rowsPerBatch = rowsPerBatch;
        _paddingId = paddingId;
    }

    /// <summary>The epoch's packed batches, fixed by (seed, epoch). Every example appears exactly once.</summary>
    public IReadOnlyList<PaddedBatch> PackedBatches(IReadOnlyList<TokenizedExample> examples, int seed, int epoch)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return Rows(examples, Batcher.ShuffledOrder(examples.Count, seed, epoch))
            .Chunk(_rowsPerBatch)
            .Select(rows => Pad(rows.Select(row => row.Select(i => examples[i]).ToArray()).ToArray()))
            .ToList();
    }

    /// <summary>Example indices per row: <paramref name="order"/> cut into runs whose lengths sum to at most the row length.</summary>
    public List<List<int>> Rows(IReadOnlyList<TokenizedExample> examples, IEnumerable<int> order)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(order);
        var rows = new List<List<int>>();
        int used = _rowLength; // forces a new row for the first example
        foreach (int i in order)
        {
            int length = examples[i].Length;
            if (length > _rowLength)
            {
                throw new ArgumentException($"Example {i} has {length} tokens; a packed row holds {_rowLength}.", nameof(examples));
            }
            if (used + length > _rowLength)
            {
                rows.Add([]);
                used = 0;
            }
            rows[^1].Add(i);
            used += length;
        }
        return rows;
    }

    /// <summary>One batch of packed rows, right-padded to its longest row.</summary>
    public PaddedBatch Pad(TokenizedExample[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int columns = rows.Max(row => row.Sum(e => e.Length));
        int cells = rows.Length * columns;
        var ids = new long[cells];
        var labels = new long[cells];
        var mask = new long[cells];
        var segments = new long[cells];
        Array.Fill(ids, _paddingId);
        Array.Fill(labels, (long)CausalLmLoss.IgnoreIndex);
        int realTokens = 0, predictedTokens = 0;
        for (int r = 0; r < rows.Length; r++)
        {
            int column = r * columns;
            for (int s = 0; s < rows[r].Length; s++)
            {
                TokenizedExample example = rows[r][s];
                for (int t = 0; t < example.Length; t++, column++)
                {
                    ids[column] = example.InputIds[t];
                    mask[column] = 1;
                    segments[column] = s + 1;
                    // An example's first label is never predicted when it is alone (nothing comes before it). Packed,
                    // the shifted loss would predict it from the previous example's last token, so it is ignored
                    // here: with BOS or a masked prompt it already is, but not with train_on_inputs and no BOS.
                    if (t > 0 && example.Labels[t] != CausalLmLoss.IgnoreIndex)
                    {
                        labels[column] = example.Labels[t];
                        predictedTokens++;
                    }
                }
                realTokens += example.Length;
            }
        }
        return new PaddedBatch(ids, labels, rows.Length, columns, realTokens, predictedTokens, mask, columns, cells, segments);
    }
}
