using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// Runs one piece of a forward pass (a layer, a norm, an attention or MLP sub-block) in a dispose scope of its own,
/// so the intermediate tensors it made are released when it returns rather than when the caller's scope ends.
/// </summary>
/// <remarks>
/// Why: in .NET a tensor is freed when its handle is disposed, not at its last use as in Python, and the trainer's
/// scopes are per batch and per checkpointed block. Without this a block's forward pass held every intermediate of
/// the block at once: on the TinyLlama-1.1B shape (4 × 512 positions, bf16, LoRA on every linear layer) about 550 MiB
/// per block in the no-grad forward of a checkpointed block, and during its recomputation every intermediate stayed
/// until the end of the block's backward pass, where autograd would have freed each as soon as its backward node ran
/// (bench/MemoryBench with MB_PROBE=1, BENCHMARKS.md). Tensors autograd saves for the backward pass are unaffected:
/// the graph holds its own references, so disposing the handles here frees only what nothing else needs. The result
/// is computed exactly as before.
/// </remarks>
internal static class IntermediatesFreed
{
    /// <summary><paramref name="compute"/>() with everything it made but its result released on return. The result
    /// must be a tensor <paramref name="compute"/> made (not one of its inputs), or it would leave the caller's scope.</summary>
    public static Tensor After(Func<Tensor> compute)
    {
        using var scope = NewDisposeScope();
        return compute().MoveToOuterDisposeScope();
    }
}
