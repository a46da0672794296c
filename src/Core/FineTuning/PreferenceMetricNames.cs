using TuningService.Core.Training.Preference;

namespace TuningService.Core.FineTuning;

/// <summary>The DPO metrics under the names a job reports them with: TRL's (rewards/chosen, …), "valid_" before
/// the validation ones, in one fixed order (the CSV's columns).</summary>
public static class PreferenceMetricNames
{
    public const string ValidPrefix = "valid_";

    /// <summary>TRL's names of the train metrics, in column order.</summary>
    public static readonly IReadOnlyList<string> Train =
        ["rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies", "logps/chosen", "logps/rejected"];

    /// <summary>Train then validation names: every column a DPO job's metrics may have.</summary>
    public static IEnumerable<string> All => Train.Concat(Train.Select(n => ValidPrefix + n));

    public static Dictionary<string, double> Of(PreferenceMetrics metrics, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(metrics);
        return metrics.Named(prefix).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
    }
}
