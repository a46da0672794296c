namespace TuningService.Core.MultiTask;

/// <summary>
/// A job's <c>mixing</c>: the strategy, the artificial dataset size limit K (<paramref name="Cap"/>; null = no
/// limit) and the temperature T (used by <see cref="MixingStrategy.Temperature"/> only; must stay 1 otherwise).
/// </summary>
public sealed record MixingOptions(MixingStrategy Strategy = MixingStrategy.Proportional, int? Cap = null, double Temperature = 1.0)
{
    /// <summary>Proportional mixing without a cap: every example once per epoch, as if the files were concatenated.</summary>
    public static MixingOptions Default { get; } = new();

    /// <summary>Throws when a value is out of range (the request rules, <see cref="MultiTaskRequestRules"/>, say so with field names first).</summary>
    public void Validate()
    {
        if (Cap is < 1)
            throw new ArgumentOutOfRangeException(nameof(Cap), Cap, "The cap must be at least 1.");
        if (!(Temperature >= 1) || double.IsPositiveInfinity(Temperature))
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "The temperature must be a finite number of at least 1.");
        if (Strategy == MixingStrategy.Proportional && Temperature != 1)
            throw new ArgumentException("A temperature other than 1 needs the temperature strategy.", nameof(Temperature));
        if (!Enum.IsDefined(Strategy))
            throw new ArgumentOutOfRangeException(nameof(Strategy), Strategy, "Unknown mixing strategy.");
    }
}
