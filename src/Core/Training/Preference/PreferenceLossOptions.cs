using System.Globalization;

namespace TuningService.Core.Training.Preference;

/// <summary>The settings of the preference loss.</summary>
/// <param name="Beta">How far the policy may move from the reference: the temperature of the implicit reward β·log(π/π_ref).</param>
/// <param name="LabelSmoothing">Conservative DPO's ε, the assumed share of pairs whose preference is flipped; sigmoid only.</param>
public sealed record PreferenceLossOptions(double Beta = 0.1, PreferenceLossType LossType = PreferenceLossType.Sigmoid, double LabelSmoothing = 0)
{
    public void Validate()
    {
        if (!(Beta > 0) || double.IsInfinity(Beta))
            throw new ArgumentOutOfRangeException(nameof(Beta), Beta, "beta must be a positive number.");
        if (!Enum.IsDefined(LossType))
            throw new ArgumentOutOfRangeException(nameof(LossType), LossType, "Unknown preference loss type.");
        if (!(LabelSmoothing >= 0 && LabelSmoothing < 0.5))
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "label_smoothing must be in [0, 0.5).");
        if (LabelSmoothing > 0 && LossType != PreferenceLossType.Sigmoid)
            throw new ArgumentOutOfRangeException(nameof(LabelSmoothing), LabelSmoothing, "label_smoothing applies to the sigmoid loss only.");
    }

    /// <summary>A readable key of the settings, part of a run's trajectory (a resume must match it).</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"preference_loss={LossType} beta={Beta:R} label_smoothing={LabelSmoothing:R}");
}
