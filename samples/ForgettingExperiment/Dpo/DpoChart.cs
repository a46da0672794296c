using TuningService.Core.Evaluation.Plots;

namespace TuningService.Samples.ForgettingExperiment.Dpo;

/// <summary>
/// The chart: per step, each run's DPO loss and its rewards/accuracies (the share of the step's pairs whose implicit
/// reward ranks the preferred answer first), drawn with the service's own loss-curves plot. Both live on [0, 1]: the
/// loss starts at ln 2 ≈ 0.693, where the policy equals its reference.
/// </summary>
public static class DpoChart
{
    public static byte[] Render(IReadOnlyList<DpoMeasurement> runs) => LossCurvesPlot.Render(
        "DPO on story-name preferences (babyllama-tinystories): per step",
        [
            .. runs.SelectMany(run => new[]
            {
                new PlotSeries($"{run.Name}: loss", [.. run.Curve.Select(p => new PlotPoint(p.Step, p.Loss))]),
                new PlotSeries($"{run.Name}: rewards/accuracies", [.. run.Curve.Where(p => p.RewardsAccuracies is not null).Select(p => new PlotPoint(p.Step, p.RewardsAccuracies!.Value))]),
            }),
        ],
        width: 1000, height: 560, yLabel: "loss; rewards/accuracies");
}
