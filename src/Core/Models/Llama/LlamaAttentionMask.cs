using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>Builds the boolean attention mask for T new queries after <c>past</c> cached positions.</summary>
internal static class LlamaAttentionMask
{
    /// <param name="past">Positions already in the cache; query i sits at key index past + i.</param>
    /// <param name="time">New positions (queries).</param>
    /// <param name="padding">Optional [B, past + time] (1 = token, 0 = padding) over all keys.</param>
    /// <returns>[B or 1, 1, time, past + time] (true = may attend), or null when plain causal attention is exact:
    /// no padding and either no past (keys = queries) or one query (it may see every key).</returns>
    public static Tensor? Build(long past, long time, Tensor? padding, Device device)
    {
        if (padding is null && (past == 0 || time == 1))
            return null;
        var keys = arange(past + time, ScalarType.Int64, device).unsqueeze(0);   // [1, S]
        var queries = (arange(time, ScalarType.Int64, device) + past).unsqueeze(1); // [T, 1]
        var mask = (keys <= queries).unsqueeze(0).unsqueeze(0);                     // [1, 1, T, S]
        if (padding is null)
            return mask;
        mask = mask & padding.to(ScalarType.Bool).unsqueeze(1).unsqueeze(2);
        // A query that may attend to nothing (left padding) would give NaN, and NaN values poison later layers
        // even under zero attention weight; let such rows attend to themselves. Rows with any allowed key are
        // unchanged, so HF's outputs at every real position are kept.
        var nothingAllowed = mask.any(-1, keepdim: true).logical_not();
        var itself = (keys == queries).unsqueeze(0).unsqueeze(0);
        return mask | (nothingAllowed & itself);
    }
}
