using static TorchSharp.torch;

namespace TuningService.Core.Training.Preference;

/// <summary>
/// The DPO family of losses on summed completion log-probs, as TRL's DPOTrainer defines them (fixtures/README.md,
/// DPO section). Every input is [N], one value per pair; the reference values are constants (no gradient).
/// </summary>
public static class PreferenceLoss
{
    /// <param name="chosenTokens">Completion tokens of each preferred answer (IPO averages per token).</param>
    public static PreferenceLossResult Compute(Tensor policyChosen, Tensor policyRejected, Tensor referenceChosen, Tensor referenceRejected,
        Tensor chosenTokens, Tensor rejectedTokens, PreferenceLossOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var scope = NewDisposeScope();
        Tensor chosenRatio = policyChosen - referenceChosen.detach();
        Tensor rejectedRatio = policyRejected - referenceRejected.detach();
        double beta = options.Beta;
        Tensor logits, losses;
        switch (options.LossType)
        {
            case PreferenceLossType.Sigmoid:
                logits = chosenRatio - rejectedRatio;
                // cDPO (TRL <= 0.28): the label is right with probability 1 - ε.
                losses = -nn.functional.logsigmoid(logits * beta) * (1 - options.LabelSmoothing);
                if (options.LabelSmoothing > 0)
                    losses = losses - (nn.functional.logsigmoid(logits * -beta) * options.LabelSmoothing);
                break;
            case PreferenceLossType.Ipo:
                // Per-token average log-ratios, the end token counted; a count of 0 cannot occur (the end token is scored).
                logits = (chosenRatio / chosenTokens.clamp_min(1)) - (rejectedRatio / rejectedTokens.clamp_min(1));
                losses = (logits - (1 / (2 * beta))).square();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(options), options.LossType, "Unknown preference loss type.");
        }
        // Rewards use the summed log-ratios for every loss type (TRL >= 0.29).
        Tensor rewardsChosen = chosenRatio.detach() * beta;
        Tensor rewardsRejected = rejectedRatio.detach() * beta;
        var result = new PreferenceLossResult(losses.mean(), losses, logits, rewardsChosen, rewardsRejected,
            policyChosen.detach(), policyRejected.detach());
        result.MoveToOuterDisposeScope();
        return result;
    }
}
