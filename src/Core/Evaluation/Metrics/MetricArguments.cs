namespace TuningService.Core.Evaluation.Metrics;

/// <summary>Checks shared by the corpus-level metrics.</summary>
internal static class MetricArguments
{
    /// <summary>
    /// Predictions and references pair up one to one, and there is at least one pair: an average over nothing has no
    /// value, and reporting 0 for it would read as a model that got everything wrong.
    /// </summary>
    public static void RequirePairs<TPrediction, TReference>(
        IReadOnlyList<TPrediction> predictions, IReadOnlyList<TReference> references)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(references);
        if (predictions.Count != references.Count)
        {
            throw new ArgumentException(
                $"{predictions.Count} predictions but {references.Count} references; they must pair up one to one.",
                nameof(references));
        }
        if (predictions.Count == 0) throw new ArgumentException("There is nothing to score.", nameof(predictions));
    }
}
