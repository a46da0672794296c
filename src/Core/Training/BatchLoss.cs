using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>What an objective computes for one padded batch, on the device.</summary>
/// <param name="Loss">The batch's mean loss (fp32 scalar, with autograd while training).</param>
/// <param name="Correct">Correctly predicted labelled tokens (int64 scalar).</param>
/// <param name="PreferenceSums">For preference batches, the sums behind the DPO metrics
/// (<see cref="Preference.PreferenceLossResult.Sums"/>); null otherwise.</param>
public sealed record BatchLoss(Tensor Loss, Tensor Correct, Tensor? PreferenceSums = null);
