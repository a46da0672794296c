namespace TuningService.Core.Datasets;

/// <summary>The data cannot be split as asked (too few records for a part, no labels to stratify by, ...);
/// <see cref="Param"/> names the option at fault (train, validation, test or stratify).</summary>
public sealed class SplitException(string param, string message) : Exception(message)
{
    public string Param { get; } = param;
}
