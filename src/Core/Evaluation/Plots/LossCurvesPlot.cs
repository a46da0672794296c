using ScottPlot;

namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// Loss against training step, one line per series (train loss, validation loss, per-task validation loss), as PNG.
/// </summary>
public static class LossCurvesPlot
{
    /// <summary>
    /// Draws the curves. Sparse series (validation every N steps) get a marker at each point so that single evaluations
    /// stay visible; dense ones are plain lines. <paramref name="yLabel"/> names the values when they are not all losses
    /// (a DPO run's rewards/accuracies drawn beside its loss).
    /// </summary>
    public static byte[] Render(string title, IReadOnlyList<PlotSeries> series, int width = 900, int height = 540, string yLabel = "loss")
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(series);
        PngRendering.CheckSize(width, height);

        var plot = PngRendering.NewPlot();
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel(yLabel);

        var drawn = 0;
        foreach (var curve in series)
        {
            ArgumentNullException.ThrowIfNull(curve);
            var points = curve.Points
                .Where(point => double.IsFinite(point.Step) && double.IsFinite(point.Value))
                .OrderBy(point => point.Step)
                .ToArray();
            if (points.Length == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.Step).ToArray(), points.Select(p => p.Value).ToArray());
            line.LegendText = curve.Name;
            line.LineWidth = 2;
            line.MarkerSize = points.Length <= 60 ? 6 : 0;
            drawn++;
        }

        if (drawn == 0)
        {
            var note = plot.Add.Text("no data points", 0, 0);
            note.LabelFontSize = 18;
            note.LabelAlignment = Alignment.MiddleCenter;
            plot.Axes.SetLimits(-1, 1, -1, 1);
        }
        else
        {
            plot.ShowLegend(Edge.Right);
        }
        return PngRendering.ToPng(plot, width, height);
    }
}
