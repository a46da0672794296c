using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// Keys and values of the positions a decoder has already seen, per layer, for incremental decoding. The cache
/// owns its tensors: they are detached from any dispose scope (a generation step's scope must not free them) and
/// freed when replaced or when the cache is disposed.
/// </summary>
public sealed class KeyValueCache(int layers) : IDisposable
{
    readonly Tensor?[] keys = new Tensor?[layers];
    readonly Tensor?[] values = new Tensor?[layers];

    /// <summary>Positions cached so far (the next token's position).</summary>
    public int Length { get; private set; }

    /// <summary>
    /// Appends this step's keys and values ([B, heads, T_new, head_dim]) for one layer and returns the full
    /// [B, heads, Length + T_new, head_dim] tensors. Call <see cref="Advance"/> once per forward pass, after the last layer.
    /// </summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor newKeys, Tensor newValues)
    {
        var k = keys[layer] is { } pastK ? cat([pastK, newKeys], 2) : newKeys.alias();
        var v = values[layer] is { } pastV ? cat([pastV, newValues], 2) : newValues.alias();
        keys[layer]?.Dispose();
        values[layer]?.Dispose();
        keys[layer] = k.detach().DetachFromDisposeScope();
        values[layer] = v.detach().DetachFromDisposeScope();
        return (keys[layer]!, values[layer]!);
    }

    /// <summary>
    /// The tensors a layer slot holds, or null before its first <see cref="Append"/>. Lets a slot hold keys and
    /// values computed once and reused every step (an encoder-decoder's cross-attention).
    /// </summary>
    public (Tensor Keys, Tensor Values)? Stored(int layer) => keys[layer] is { } k ? (k, values[layer]!) : null;

    public void Advance(int newPositions) => Length += newPositions;

    public void Dispose()
    {
        foreach (var t in keys) t?.Dispose();
        foreach (var t in values) t?.Dispose();
    }
}
