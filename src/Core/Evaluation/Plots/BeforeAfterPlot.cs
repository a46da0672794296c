using System.Globalization;
using ScottPlot;

namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// Grouped bars, one group per metric/dataset: the value before fine-tuning (the base model) beside the value after,
/// each bar labelled with its value and each group with the change (After - Before), green when it is an
/// improvement and red when it is a regression. The same chart shows the gain on the target task and the forgetting on
/// retention sets. Bars share one axis, so a chart should hold metrics of comparable scale.
/// </summary>
public static class BeforeAfterPlot
{
    private static readonly Color BeforeColor = Color.FromHex("#9AA5B1");
    private static readonly Color AfterColor = Color.FromHex("#1F6FB2");
    private static readonly Color Improvement = Color.FromHex("#1B7F3B");
    private static readonly Color Regression = Color.FromHex("#C0392B");
    private static readonly Color NoChange = Color.FromHex("#555555");

    // Each group spans 3 units: before at 0, after at 1, a gap of 1.
    private const double GroupWidth = 3;

    public static byte[] Render(
        string title, IReadOnlyList<BeforeAfterBar> bars, string beforeName = "base", string afterName = "fine-tuned",
        int width = 900, int height = 540)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(beforeName);
        ArgumentNullException.ThrowIfNull(afterName);
        PngRendering.CheckSize(width, height);
        foreach (var bar in bars)
        {
            ArgumentNullException.ThrowIfNull(bar);
            if (!double.IsFinite(bar.Before) || !double.IsFinite(bar.After))
                throw new ArgumentException($"'{bar.Label}' has a value that is not a finite number.", nameof(bars));
        }

        var plot = PngRendering.NewPlot();
        plot.Title(title);
        if (bars.Count == 0)
        {
            var note = plot.Add.Text("no data", 0, 0);
            note.LabelFontSize = 18;
            note.LabelAlignment = Alignment.MiddleCenter;
            plot.Axes.SetLimits(-1, 1, -1, 1);
            return PngRendering.ToPng(plot, width, height);
        }

        var top = Math.Max(0, bars.Max(bar => Math.Max(bar.Before, bar.After)));
        var bottom = Math.Min(0, bars.Min(bar => Math.Min(bar.Before, bar.After)));
        var span = top - bottom > 0 ? top - bottom : 1;

        // Group labels wrap onto lines that fit under their group (about 7 px per character at the tick font size).
        var maxLineLength = Math.Max(8, (int)(width * 0.8 / bars.Count / 7.5));
        var drawn = new List<Bar>(bars.Count * 2);
        var ticks = new List<Tick>(bars.Count);
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var left = i * GroupWidth;
            drawn.Add(new Bar { Position = left, Value = bar.Before, FillColor = BeforeColor, Label = Format(bar.Before) });
            drawn.Add(new Bar { Position = left + 1, Value = bar.After, FillColor = AfterColor, Label = Format(bar.After) });
            ticks.Add(new Tick(left + 0.5, Wrap(bar.Label, maxLineLength)));
            AnnotateChange(plot, bar, left + 0.5, Math.Max(0, Math.Max(bar.Before, bar.After)) + 0.09 * span);
        }

        var barPlot = plot.Add.Bars(drawn);
        barPlot.ValueLabelStyle.FontSize = 12;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([.. ticks]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(-0.8, (bars.Count - 1) * GroupWidth + 1.8, bottom - (bottom < 0 ? 0.1 * span : 0),
            top + 0.2 * span);
        plot.Grid.XAxisStyle.IsVisible = false;

        plot.Legend.ManualItems.Add(new LegendItem { LabelText = beforeName, FillColor = BeforeColor });
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = afterName, FillColor = AfterColor });
        plot.ShowLegend(Edge.Right);
        return PngRendering.ToPng(plot, width, height);
    }

    private static void AnnotateChange(Plot plot, BeforeAfterBar bar, double x, double y)
    {
        var change = bar.After - bar.Before;
        var text = plot.Add.Text(FormatChange(change), x, y);
        text.LabelFontSize = 14;
        text.LabelBold = true;
        text.LabelAlignment = Alignment.LowerCenter;
        text.LabelFontColor = change == 0 ? NoChange : (change > 0) == bar.HigherIsBetter ? Improvement : Regression;
    }

    // Greedy word wrap; a word longer than a line keeps a line of its own rather than being cut.
    private static string Wrap(string label, int maxLineLength)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in label.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > maxLineLength)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = line.Length == 0 ? word : line + " " + word;
            }
        }
        lines.Add(line);
        return string.Join('\n', lines);
    }

    // Four significant digits: enough for accuracies (0.8523), BLEU (35.27) and perplexities (18.21) alike.
    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string FormatChange(double change) =>
        change == 0 ? "±0"
        : (change > 0 ? "+" : "−") + Math.Abs(change).ToString("G3", CultureInfo.InvariantCulture);
}
