namespace TuningService.Core.MultiTask;

/// <summary>The strategies' names on the wire (<c>mixing.strategy</c>).</summary>
public static class MixingStrategyNames
{
    public const string Proportional = "proportional";
    public const string Temperature = "temperature";

    public static IReadOnlyList<string> All { get; } = [Proportional, Temperature];

    /// <summary>Exact, case-sensitive match, like the job's other enumerated values (e.g. lr_scheduler).</summary>
    public static bool TryParse(string? name, out MixingStrategy strategy)
    {
        (bool known, strategy) = name switch
        {
            Proportional => (true, MixingStrategy.Proportional),
            Temperature => (true, MixingStrategy.Temperature),
            _ => (false, MixingStrategy.Proportional),
        };
        return known;
    }

    public static string NameOf(MixingStrategy strategy) => strategy switch
    {
        MixingStrategy.Proportional => Proportional,
        MixingStrategy.Temperature => Temperature,
        _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, "Unknown mixing strategy."),
    };
}
