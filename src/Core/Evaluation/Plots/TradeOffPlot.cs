using System.Globalization;
using ScottPlot;

namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// Target-task gain against forgetting, one marker per run: the picture of catastrophic forgetting. The best place is
/// the top left (much gain, no forgetting); dashed lines mark zero on both axes so a run that forgot nothing, or gained
/// nothing, is visible as such. Points are named, with their two values, in the legend rather than beside the markers:
/// runs that barely change anything sit on top of each other at the origin, where labels would be unreadable.
/// Forgetting spans orders of magnitude between methods (a perplexity that grows by a third, or a hundredfold), so it can
/// be drawn as a ratio on a logarithmic axis, with the reference line at 1 (no change).
/// </summary>
public static class TradeOffPlot
{
    private static readonly MarkerShape[] Shapes =
        [MarkerShape.FilledCircle, MarkerShape.FilledSquare, MarkerShape.FilledTriangleUp, MarkerShape.FilledDiamond];

    /// <param name="logarithmicForgetting">
    /// Forgetting values are ratios (after / before, all above 0) drawn on a log axis; otherwise differences on a linear one.
    /// </param>
    public static byte[] Render(
        string title, IReadOnlyList<TradeOffPoint> points, string forgettingLabel = "forgetting",
        string gainLabel = "target-task gain", bool logarithmicForgetting = false, int width = 900, int height = 540)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(forgettingLabel);
        ArgumentNullException.ThrowIfNull(gainLabel);
        PngRendering.CheckSize(width, height);
        foreach (var point in points)
        {
            ArgumentNullException.ThrowIfNull(point);
            if (!double.IsFinite(point.Forgetting) || !double.IsFinite(point.Gain))
                throw new ArgumentException($"'{point.Label}' has a value that is not a finite number.", nameof(points));
            if (logarithmicForgetting && point.Forgetting <= 0)
                throw new ArgumentException($"'{point.Label}' has a forgetting ratio of {point.Forgetting}; a log axis needs ratios above 0.", nameof(points));
        }

        var plot = PngRendering.NewPlot();
        plot.Title(title);
        plot.XLabel(forgettingLabel);
        plot.YLabel(gainLabel);
        if (points.Count == 0)
        {
            var note = plot.Add.Text("no data", 0, 0);
            note.LabelFontSize = 18;
            note.LabelAlignment = Alignment.MiddleCenter;
            plot.Axes.SetLimits(-1, 1, -1, 1);
            return PngRendering.ToPng(plot, width, height);
        }

        // On the log axis x is log10(ratio): the reference line at x = 0 is a ratio of 1, as it is a change of 0 on the linear one.
        double X(TradeOffPoint p) => logarithmicForgetting ? Math.Log10(p.Forgetting) : p.Forgetting;
        var (left, right) = PaddedRange(points.Select(X));
        var (bottom, top) = PaddedRange(points.Select(p => p.Gain));
        plot.Add.VerticalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dashed);

        var palette = new ScottPlot.Palettes.Category10();
        var series = points.Select(p => p.Series).Distinct().ToList();
        var drawnInSeries = new int[series.Count];
        foreach (var point in points)
        {
            var group = series.IndexOf(point.Series);
            var color = palette.GetColor(drawnInSeries[group]++);
            var marker = plot.Add.Marker(X(point), point.Gain, Shapes[group % Shapes.Length], 14, color);
            // A white outline keeps markers that overlap apart.
            marker.MarkerLineColor = Colors.White;
            marker.MarkerLineWidth = 1.5f;
            var forgetting = logarithmicForgetting ? "×" + point.Forgetting.ToString("G3", CultureInfo.InvariantCulture) : Signed(point.Forgetting);
            marker.LegendText = $"{point.Label} ({forgetting}, {Signed(point.Gain)})";
        }
        if (logarithmicForgetting)
        {
            plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
            {
                MinorTickGenerator = new ScottPlot.TickGenerators.LogMinorTickGenerator(),
                IntegerTicksOnly = true,
                LabelFormatter = x => "×" + Math.Pow(10, x).ToString("G4", CultureInfo.InvariantCulture),
            };
        }

        plot.Axes.SetLimits(left, right, bottom, top);
        plot.ShowLegend(Edge.Bottom);
        return PngRendering.ToPng(plot, width, height);
    }

    /// <summary>The values' range widened to include zero (where the reference lines are) and padded by a tenth.</summary>
    private static (double Low, double High) PaddedRange(IEnumerable<double> values)
    {
        var list = values.ToList();
        var low = Math.Min(0, list.Min());
        var high = Math.Max(0, list.Max());
        var span = high - low > 0 ? high - low : 1;
        return (low - 0.1 * span, high + 0.1 * span);
    }

    private static string Signed(double value) =>
        (value > 0 ? "+" : value < 0 ? "−" : "±") + Math.Abs(value).ToString("G3", CultureInfo.InvariantCulture);
}
