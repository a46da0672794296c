using ScottPlot;
using TuningService.Core.Evaluation.Plots;

namespace TuningService.Core.Tests.Evaluation.Plots;

public class PlotFontTests
{
    [Fact]
    public void The_embedded_font_is_what_scottplot_resolves()
    {
        // The font comes from the assembly, not from the machine: the runtime images have no fonts installed.
        Assert.Equal("Open Sans", PlotFont.Typeface.FamilyName);
        Assert.True(PlotFont.Typeface.GlyphCount > 500);
        Assert.Same(PlotFont.Typeface, Fonts.GetTypeface(PlotFont.FamilyName, bold: true, italic: false));
        Assert.Equal(PlotFont.FamilyName, Fonts.Default);
    }
}
