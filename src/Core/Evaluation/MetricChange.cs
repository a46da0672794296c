namespace TuningService.Core.Evaluation;

/// <summary>
/// One metric before and after (base → fine-tuned, or base → ICL). <see cref="Change"/> is after − before;
/// <see cref="Worsening"/> is the same change signed so that positive means worse (a higher perplexity, a lower
/// accuracy): on retention data, that is the forgetting.
/// </summary>
public sealed record MetricChange(string Metric, double Before, double After, double Change, double Worsening, bool HigherIsBetter)
{
    /// <summary>The metrics both evaluations have, in <see cref="EvaluationFigures"/>' order.</summary>
    public static IReadOnlyList<MetricChange> Between(TaskEvaluation? before, TaskEvaluation? after)
    {
        if (before is null || after is null) return [];
        var afterByName = EvaluationFigures.Of(after).ToDictionary(f => f.Metric);
        return [.. EvaluationFigures.Of(before).Where(f => afterByName.ContainsKey(f.Metric)).Select(b =>
        {
            var a = afterByName[b.Metric].Value;
            return new MetricChange(b.Metric, b.Value, a, a - b.Value, b.HigherIsBetter ? b.Value - a : a - b.Value, b.HigherIsBetter);
        })];
    }
}
