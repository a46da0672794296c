using ScottPlot;

namespace TuningService.Core.Evaluation.Plots;

/// <summary>Turns a finished ScottPlot plot into PNG bytes with the embedded font.</summary>
internal static class PngRendering
{
    // ScottPlot's font registry and typeface cache are static and not documented as thread-safe; plots are drawn
    // rarely (once per evaluation), so they are simply drawn one at a time.
    private static readonly Lock RenderLock = new();

    public static void CheckSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 200);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 150);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(width, 8000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(height, 8000);
    }

    /// <summary>A new plot whose text all uses the embedded font.</summary>
    public static Plot NewPlot()
    {
        _ = PlotFont.Typeface; // registers the font before any label style is created
        var plot = new Plot();
        plot.Font.Set(PlotFont.FamilyName);
        return plot;
    }

    public static byte[] ToPng(Plot plot, int width, int height)
    {
        lock (RenderLock)
        {
            return plot.GetImageBytes(width, height, ImageFormat.Png);
        }
    }
}
