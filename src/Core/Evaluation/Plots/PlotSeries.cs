namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// A named curve, e.g. "train loss", "validation loss" or "validation loss: summarize". Points whose step or value is
/// not finite (a diverged loss, a step without validation) are left out of the drawing.
/// </summary>
public sealed record PlotSeries(string Name, IReadOnlyList<PlotPoint> Points);
