using System.Globalization;
using ScottPlot;

namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// Target-task gain against forgetting, one labelled marker per run: the picture of catastrophic forgetting. The best
/// place is the top left (much gain, no forgetting); dashed lines mark zero on both axes so a run that forgot nothing,
/// or gained nothing, is visible as such. Each point is annotated with its two values.
/// </summary>
public static class TradeOffPlot
{
    public static byte[] Render(
        string title, IReadOnlyList<TradeOffPoint> points, string forgettingLabel = "forgetting",
        string gainLabel = "target-task gain", int width = 900, int height = 540)
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

        var (left, right) = PaddedRange(points.Select(p => p.Forgetting));
        var (bottom, top) = PaddedRange(points.Select(p => p.Gain));
        plot.Add.VerticalLine(0, 1, Colors.Gray, LinePattern.Dashed);
        plot.Add.HorizontalLine(0, 1, Colors.Gray, LinePattern.Dashed);

        var palette = new ScottPlot.Palettes.Category10();
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var color = palette.GetColor(i);
            var marker = plot.Add.Marker(point.Forgetting, point.Gain, MarkerShape.FilledCircle, 14, color);
            marker.LegendText = point.Label;
            var text = plot.Add.Text($"{point.Label}\n({Signed(point.Forgetting)}, {Signed(point.Gain)})", point.Forgetting, point.Gain);
            text.LabelFontSize = 13;
            text.LabelFontColor = color;
            text.LabelAlignment = Alignment.LowerLeft;
            text.OffsetX = 10;
            text.OffsetY = -8;
        }

        // Room on the right and top for the annotations, which start at their point and grow up and to the right.
        plot.Axes.SetLimits(left, right + 0.35 * (right - left), bottom, top + 0.2 * (top - bottom));
        plot.ShowLegend(Edge.Right);
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
