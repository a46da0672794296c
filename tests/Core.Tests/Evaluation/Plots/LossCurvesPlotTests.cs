using TuningService.Core.Evaluation.Plots;

namespace TuningService.Core.Tests.Evaluation.Plots;

public class LossCurvesPlotTests
{
    private static PlotSeries Train(double scale) =>
        new("train loss", [.. Enumerable.Range(0, 200).Select(step => new PlotPoint(step, scale * 3.2 / (1 + step / 40.0)))]);

    private static readonly PlotSeries Validation =
        new("validation loss", [new(0, 3.3), new(50, 2.1), new(100, 1.8), new(150, 1.75), new(199, 1.74)]);

    [Fact]
    public void Renders_a_png_of_the_requested_size()
    {
        using var image = PngImage.AssertPng(LossCurvesPlot.Render("Loss", [Train(1), Validation], 640, 400), 640, 400);
        using var defaultSize = PngImage.AssertPng(LossCurvesPlot.Render("Loss", [Train(1)]), 900, 540);
    }

    [Fact]
    public void Different_data_gives_a_different_picture()
    {
        using var first = PngImage.AssertPng(LossCurvesPlot.Render("Loss", [Train(1), Validation]), 900, 540);
        using var second = PngImage.AssertPng(LossCurvesPlot.Render("Loss", [Train(1.5), Validation]), 900, 540);
        Assert.True(PngImage.DifferingPixels(first, second) > 500);
    }

    [Fact]
    public void Text_is_drawn()
    {
        // Only the title differs: if no font were found the two pictures would be identical.
        using var first = PngImage.AssertPng(LossCurvesPlot.Render("Job A", [Train(1)]), 900, 540);
        using var second = PngImage.AssertPng(LossCurvesPlot.Render("Job W", [Train(1)]), 900, 540);
        Assert.True(PngImage.DifferingPixels(first, second) > 20);
    }

    [Fact]
    public void Points_that_are_not_numbers_are_skipped_and_no_data_still_renders()
    {
        PlotSeries diverged = new("train loss", [new(0, 2.0), new(1, double.NaN), new(2, double.PositiveInfinity), new(3, 1.5)]);
        using var withGaps = PngImage.AssertPng(LossCurvesPlot.Render("Loss", [diverged]), 900, 540);
        using var empty = PngImage.AssertPng(LossCurvesPlot.Render("Loss", [new PlotSeries("validation loss", [])]), 900, 540);
    }

    [Fact]
    public void Too_small_a_picture_is_an_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LossCurvesPlot.Render("Loss", [Validation], 10, 10));
    }
}
