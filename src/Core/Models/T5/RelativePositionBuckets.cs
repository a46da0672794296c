using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>
/// HF `T5Attention._relative_position_bucket`: maps memory_position − query_position to one of num_buckets ids.
/// Half the buckets (a quarter when bidirectional) hold exact distances; the rest are log-spaced up to
/// max_distance, beyond which everything shares the last bucket.
/// </summary>
public static class RelativePositionBuckets
{
    /// <param name="relativePosition">int64 tensor of memory − query positions.</param>
    /// <param name="bidirectional">True in the encoder (keys on both sides); false in the decoder, where every
    /// future key lands in bucket 0 (and is masked anyway).</param>
    public static Tensor Compute(Tensor relativePosition, bool bidirectional, int numBuckets, int maxDistance)
    {
        ArgumentNullException.ThrowIfNull(relativePosition);
        using var scope = NewDisposeScope();
        var buckets = zeros_like(relativePosition);
        Tensor distance;
        if (bidirectional)
        {
            numBuckets /= 2;
            buckets += relativePosition.gt(0).to(ScalarType.Int64) * numBuckets;
            distance = relativePosition.abs();
        }
        else
        {
            distance = -relativePosition.clamp_max(0);
        }
        var maxExact = numBuckets / 2;
        var isSmall = distance.lt(maxExact);
        // As HF: the log in float32, truncated toward zero by the cast. Distances below max_exact (including 0,
        // whose log is -inf) are replaced by the exact branch; clamping them to max_exact first keeps the cast
        // defined without changing any bucket.
        var large = distance.clamp_min(maxExact).to(ScalarType.Float32);
        var logSpaced = (large / maxExact).log() / Math.Log((double)maxDistance / maxExact) * (numBuckets - maxExact);
        var ifLarge = (logSpaced.to(ScalarType.Int64) + maxExact).clamp_max(numBuckets - 1);
        buckets += where(isSmall, distance, ifLarge);
        return buckets.MoveToOuterDisposeScope();
    }
}
