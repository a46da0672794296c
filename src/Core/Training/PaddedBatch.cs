using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// A right-padded batch held on the host as row-major [Rows, Columns] arrays; counts are known here so the
/// training loop never has to ask the device for them.
/// </summary>
/// <param name="RealTokenCount">Tokens that are not padding (for tokens/second).</param>
/// <param name="PredictedTokenCount">Labelled positions the loss averages over (after the causal shift for causal LMs).</param>
/// <param name="InputMask">[Rows, Columns]: 1 on real input tokens, 0 on padding.</param>
/// <param name="LabelColumns">Width of <paramref name="Labels"/>: equal to Columns for causal LMs, the target length for seq2seq.</param>
/// <param name="PositionCount">Positions the model computes, real or padding: the inputs' (Rows × Columns), plus the
/// targets' (Rows × LabelColumns) for seq2seq. <see cref="RealTokenCount"/> counts the real ones among them.</param>
/// <param name="PairCount">For a batch of preference pairs: the pairs, whose preferred answers are rows 0..N-1 and
/// non-preferred ones rows N..2N-1 (one forward pass for both); 0 for any other batch.</param>
/// <param name="ReferenceLogProbs">For preference pairs with precomputed reference log-probs: [2N], in row order; else null.</param>
/// <param name="SegmentIds">[Rows, Columns] for packed rows (<see cref="SequencePacker"/>): the examples of a row
/// numbered 1, 2, 3, …, 0 on padding; null when each row holds one example.</param>
public sealed record PaddedBatch(long[] InputIds, long[] Labels, int Rows, int Columns, int RealTokenCount, int PredictedTokenCount,
    long[] InputMask, int LabelColumns, int PositionCount, long[]? SegmentIds = null, int PairCount = 0, float[]? ReferenceLogProbs = null)
{
    /// <summary>What the batch's loss is a mean over, to weight batches of a step: pairs for preference batches
    /// (DPO's loss is a mean over pairs), labelled tokens otherwise.</summary>
    public int LossWeight => PairCount > 0 ? PairCount : PredictedTokenCount;

    /// <summary>Positions that hold padding: compute spent on nothing.</summary>
    public int PaddingCount => PositionCount - RealTokenCount;

    /// <summary>Padded positions over all positions of the batches (0 when there are none).</summary>
    public static double PaddingShare(IEnumerable<PaddedBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        long padding = 0, positions = 0;
        foreach (PaddedBatch batch in batches)
        {
            padding += batch.PaddingCount;
            positions += batch.PositionCount;
        }
        return positions == 0 ? 0 : (double)padding / positions;
    }

    /// <summary>Creates the int64 tensors on <paramref name="device"/>, owned by the current dispose scope.</summary>
    public (Tensor InputIds, Tensor Labels) ToTensors(Device device)
    {
        Tensor ids = torch.tensor(InputIds, [Rows, Columns], dtype: ScalarType.Int64, device: device);
        Tensor labels = torch.tensor(Labels, [Rows, LabelColumns], dtype: ScalarType.Int64, device: device);
        return (ids, labels);
    }

    public Tensor MaskTensor(Device device) => torch.tensor(InputMask, [Rows, Columns], dtype: ScalarType.Int64, device: device);

    /// <summary>The segment ids as an int64 [Rows, Columns] tensor, or null when the rows are not packed.</summary>
    public Tensor? SegmentTensor(Device device) =>
        SegmentIds is null ? null : torch.tensor(SegmentIds, [Rows, Columns], dtype: ScalarType.Int64, device: device);
}
