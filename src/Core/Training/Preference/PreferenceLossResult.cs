using static TorchSharp.torch;

namespace TuningService.Core.Training.Preference;

/// <summary>
/// A preference loss over N pairs: the mean loss (with autograd) and the per-pair values behind it and its metrics
/// (detached, [N]).
/// </summary>
/// <param name="Logits">What the loss is a function of: (π_c − ref_c) − (π_r − ref_r), or IPO's per-token version.</param>
/// <param name="RewardsChosen">β·(π_c − ref_c) with summed log-probs.</param>
/// <param name="PolicyChosen">The policy's summed log-probs of the preferred answers.</param>
public sealed record PreferenceLossResult(Tensor Loss, Tensor PerPairLoss, Tensor Logits, Tensor RewardsChosen, Tensor RewardsRejected,
    Tensor PolicyChosen, Tensor PolicyRejected)
{
    public Tensor Margins => RewardsChosen - RewardsRejected;

    /// <summary>1 where the preferred answer's reward is strictly higher (ties count 0), else 0: [N] fp32.</summary>
    public Tensor Accuracies => RewardsChosen.gt(RewardsRejected).to_type(ScalarType.Float32);

    /// <summary>
    /// [rewards/chosen, rewards/rejected, rewards/accuracies, logps/chosen, logps/rejected] summed over the pairs,
    /// fp32 on the device, for metrics that are averaged over many batches later (<see cref="PreferenceMetrics"/>).
    /// </summary>
    public Tensor Sums() => stack([RewardsChosen.sum(), RewardsRejected.sum(), Accuracies.sum(), PolicyChosen.sum(), PolicyRejected.sum()]);

    internal void MoveToOuterDisposeScope()
    {
        foreach (Tensor t in new[] { Loss, PerPairLoss, Logits, RewardsChosen, RewardsRejected, PolicyChosen, PolicyRejected })
            t.MoveToOuterDisposeScope();
    }
}
