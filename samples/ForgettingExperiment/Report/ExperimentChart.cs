using System.Globalization;
using TuningService.Core.Evaluation.Plots;

namespace TuningService.Samples.ForgettingExperiment.Report;

/// <summary>
/// The chart: each run's target-task gain against its forgetting (the retention perplexity's ratio, on a log axis: the
/// runs differ by orders of magnitude), with the ICL baseline (no forgetting by construction: a ratio of 1).
/// One marker shape per task; runs are added in the same method order for every task, so a method keeps its colour.
/// </summary>
public static class ExperimentChart
{
    public static byte[] Render(IReadOnlyList<RunMeasurement> runs, int iclShots, string retentionSet)
    {
        var points = runs.Where(r => r.GainPoints is not null && r.Forgetting is not null)
            .Select(r => new TradeOffPoint(r.Label, r.RetentionPerplexity!.After / r.RetentionPerplexity.Before, r.GainPoints!.Value, r.Task))
            .ToList();
        foreach (var group in runs.GroupBy(r => r.Task))
        {
            if (group.FirstOrDefault(r => r.IclAccuracy is not null && r.Accuracy is not null) is { } icl)
                points.Add(new TradeOffPoint(string.Create(CultureInfo.InvariantCulture, $"{group.Key}: ICL, {iclShots}-shot"), 1, 100 * (icl.IclAccuracy!.Value - icl.Accuracy!.Before), group.Key));
        }
        return TradeOffPlot.Render(
            "Target-task gain vs forgetting of TinyStories (babyllama-tinystories)", points,
            $"forgetting: perplexity on {retentionSet}, fine-tuned ÷ base (log scale)",
            "gain: test accuracy, fine-tuned − base (points)", logarithmicForgetting: true, width: 1000, height: 600);
    }
}
