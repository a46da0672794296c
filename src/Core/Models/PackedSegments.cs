using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// Positions and attention mask for rows that pack several examples: segment ids [B, T] (int64) number the
/// examples of a row 1, 2, 3, … and mark padding 0. Each segment is one contiguous run of equal ids.
/// </summary>
public static class PackedSegments
{
    /// <summary>
    /// [B, T] int64 positions that restart at 0 where a segment starts, so each example sees the positions it would
    /// have alone. Padding gets positions counted from its own start; nothing real attends to it.
    /// </summary>
    public static Tensor Positions(Tensor segmentIds)
    {
        Check(segmentIds);
        var time = segmentIds.shape[1];
        var index = arange(time, ScalarType.Int64, segmentIds.device).unsqueeze(0).expand_as(segmentIds); // [B, T]
        // A segment starts at column 0 and wherever the id differs from the column before.
        var previous = cat([full(segmentIds.shape[0], 1, -1L, ScalarType.Int64, segmentIds.device), segmentIds.narrow(1, 0, time - 1)], 1);
        var startHere = segmentIds.ne(previous);
        // The latest start at or before each column is a running maximum of the start columns.
        var start = where(startHere, index, zeros_like(index)).cummax(1).values;
        return index - start;
    }

    /// <summary>
    /// Boolean [B, 1, T, T] (true = may attend): causal and within the same segment. Padding (segment 0) attends
    /// to earlier padding only; every query may at least see itself, so no row of the softmax is empty (NaN).
    /// </summary>
    public static Tensor Mask(Tensor segmentIds)
    {
        Check(segmentIds);
        var time = segmentIds.shape[1];
        var causal = ones(time, time, ScalarType.Bool, segmentIds.device).tril();      // [T, T]
        var sameSegment = segmentIds.unsqueeze(2).eq(segmentIds.unsqueeze(1));            // [B, T, T]
        return (sameSegment & causal).unsqueeze(1);
    }

    private static void Check(Tensor segmentIds)
    {
        if (segmentIds.dim() != 2 || segmentIds.dtype != ScalarType.Int64)
            throw new ArgumentException($"Segment ids must be [batch, time] int64; got {segmentIds.dtype} [{string.Join(", ", segmentIds.shape)}].", nameof(segmentIds));
    }
}
