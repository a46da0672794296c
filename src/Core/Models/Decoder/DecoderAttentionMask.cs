using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// Boolean attention masks (true = may attend) for T new queries after <c>past</c> cached positions, as
/// masking_utils builds them for eager attention: allowed[b, q, k] = k ≤ q, and k &gt; q - W on sliding layers,
/// and attention_mask[b, k]. The window counts slots (positions in the batch row), as in HF.
/// </summary>
internal static class DecoderAttentionMask
{
    /// <param name="padding">Optional [B, past + time] (1 = token, 0 = padding) over all keys.</param>
    /// <param name="window">Keys a query sees, itself included; null = no window.</param>
    /// <returns>[B or 1, 1, time, past + time], or null when plain causal attention is exact: no padding, a window
    /// (if any) that cannot exclude a key, and either no past or one query.</returns>
    public static Tensor? Build(long past, long time, Tensor? padding, int? window, Device device)
    {
        var windowBites = window is { } w && past + time > w;
        if (padding is null && !windowBites && (past == 0 || time == 1))
            return null;
        var keys = arange(past + time, ScalarType.Int64, device).unsqueeze(0);    // [1, S]
        var queries = (arange(time, ScalarType.Int64, device) + past).unsqueeze(1); // [T, 1]
        var allowed = keys <= queries;
        if (windowBites)
            allowed = allowed & (keys > queries - window!.Value);
        var mask = allowed.unsqueeze(0).unsqueeze(0);                                // [1, 1, T, S]
        if (padding is null)
            return mask;
        mask = mask & padding.to(ScalarType.Bool).unsqueeze(1).unsqueeze(2);
        // A padded query may see no key at all (left padding; a window past the end of a right-padded row). HF
        // eager then softmaxes over finfo.min scores; a boolean kernel would give NaN, which 0 · NaN carries into
        // real tokens in the next layer. Letting such rows attend to themselves keeps them finite; rows with an
        // allowed key, which include every real token, are unchanged.
        var nothingAllowed = mask.any(-1, keepdim: true).logical_not();
        var itself = (keys == queries).unsqueeze(0).unsqueeze(0);
        return mask | (nothingAllowed & itself);
    }

    /// <summary>The window term for packed rows (no past): [1, 1, T, T] with k &gt; q - W.</summary>
    public static Tensor Window(long time, int window, Device device)
    {
        var positions = arange(time, ScalarType.Int64, device);
        return (positions.unsqueeze(0) > positions.unsqueeze(1) - window).unsqueeze(0).unsqueeze(0);
    }

    /// <summary>Plain causal [1, 1, T, past + T], for kernels that need an explicit mask.</summary>
    public static Tensor Causal(long past, long time, Device device)
    {
        var keys = arange(past + time, ScalarType.Int64, device).unsqueeze(0);
        var queries = (arange(time, ScalarType.Int64, device) + past).unsqueeze(1);
        return (keys <= queries).unsqueeze(0).unsqueeze(0);
    }
}
