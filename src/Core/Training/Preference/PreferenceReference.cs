namespace TuningService.Core.Training.Preference;

/// <summary>Where the reference model's log-probs come from; neither holds a second model.</summary>
public enum PreferenceReference
{
    /// <summary>LoRA: the policy with its adapters turned off (<see cref="Lora.AdaptersDisabled"/>), scored inside each step.</summary>
    AdaptersDisabled,

    /// <summary>Full fine-tuning: scored once before training by the starting model and carried by each pair
    /// (<see cref="TokenizedExample.Reference"/>).</summary>
    Precomputed,
}
