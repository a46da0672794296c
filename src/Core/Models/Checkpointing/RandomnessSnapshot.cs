using static TorchSharp.torch;

namespace TuningService.Core.Models.Checkpointing;

/// <summary>
/// The random-number state a checkpointed forward pass started from, so that its recomputation drops the same
/// elements. CPU: torch's global generator state (FastDropout draws its seeds from it). CUDA: TorchSharp can seed the
/// CUDA generator but not read or restore its state, so the forward pass reseeds it with a seed drawn from the CPU
/// generator and the recomputation reseeds it with the same one; on CUDA a checkpointed run therefore draws other
/// (equally distributed) masks than an uncheckpointed one, but forward and recomputation always agree.
/// </summary>
internal sealed class RandomnessSnapshot : IDisposable
{
    private readonly Tensor _cpuState;
    private readonly long? _cudaSeed;

    private RandomnessSnapshot(Tensor cpuState, long? cudaSeed)
    {
        _cpuState = cpuState;
        _cudaSeed = cudaSeed;
    }

    /// <summary>Takes the state before a forward pass on <paramref name="device"/> (reseeding CUDA's generator on CUDA).
    /// The state is kept out of dispose scopes, since the caller's may end before the backward pass: the backward pass
    /// disposes it, or, when none runs, the garbage collector (a few kilobytes).</summary>
    public static RandomnessSnapshot Take(Device device)
    {
        long? cudaSeed = null;
        if (device.type == TorchSharp.DeviceType.CUDA)
        {
            // A CPU draw: no wait for the device.
            using Tensor draw = randint(0, long.MaxValue, [1], dtype: ScalarType.Int64);
            cudaSeed = draw.item<long>();
            cuda.manual_seed(cudaSeed.Value);
        }
        return new RandomnessSnapshot(get_rng_state().DetachFromDisposeScope(), cudaSeed);
    }

    /// <summary>Puts the snapshot's state in place and returns the CPU generator's state before that, for
    /// <see cref="PutBack"/> (the CUDA generator stays reseeded: its state cannot be read).</summary>
    public Tensor Replay()
    {
        Tensor current = get_rng_state();
        set_rng_state(_cpuState);
        if (_cudaSeed is { } seed)
            cuda.manual_seed(seed);
        return current;
    }

    /// <summary>Puts back the CPU generator state that <see cref="Replay"/> returned, and frees it.</summary>
    public static void PutBack(Tensor previous)
    {
        set_rng_state(previous);
        previous.Dispose();
    }

    public void Dispose() => _cpuState.Dispose();
}
