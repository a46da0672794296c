namespace TuningService.Core.Training.Preference;

/// <summary>How a pair's log-ratios become a loss (TRL's DPOTrainer <c>loss_type</c>).</summary>
public enum PreferenceLossType
{
    /// <summary>DPO (Rafailov et al. 2023): −log σ(β·logits); with label smoothing, conservative DPO (cDPO).</summary>
    Sigmoid,

    /// <summary>IPO (Azar et al. 2023): (per-token log-ratio difference − 1/(2β))².</summary>
    Ipo,
}
