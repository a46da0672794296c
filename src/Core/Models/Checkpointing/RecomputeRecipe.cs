using static TorchSharp.torch;

namespace TuningService.Core.Models.Checkpointing;

/// <summary>What <see cref="RecomputingFunction"/> needs besides the input tensors: the computation and what to do around
/// its recomputation (see <see cref="RecomputedInBackward.Apply"/>).</summary>
internal sealed record RecomputeRecipe(Func<Tensor[], Tensor> Body, bool ReplayRandomness, Action? AfterBackward);
