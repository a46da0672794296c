using TuningService.Core.Evaluation.Plots;

namespace TuningService.Core.Tests.Evaluation.Plots;

public class TradeOffPlotTests
{
    private static readonly TradeOffPoint[] Runs =
    [
        new("full fine-tuning", 0.42, 0.47),
        new("multi-task mix", 0.08, 0.45),
        new("LoRA", 0.02, 0.30),
    ];

    [Fact]
    public void Renders_a_png_of_the_requested_size()
    {
        using var image = PngImage.AssertPng(TradeOffPlot.Render("Gain vs forgetting", Runs, width: 800, height: 450), 800, 450);
    }

    [Fact]
    public void Moving_one_run_changes_the_picture()
    {
        using var first = PngImage.AssertPng(TradeOffPlot.Render("Gain vs forgetting", Runs), 900, 540);
        TradeOffPoint[] moved = [Runs[0], Runs[1], new("LoRA", 0.30, 0.10)];
        using var second = PngImage.AssertPng(TradeOffPlot.Render("Gain vs forgetting", moved), 900, 540);
        Assert.True(PngImage.DifferingPixels(first, second) > 200);
    }

    [Fact]
    public void Series_change_the_markers()
    {
        using var oneSeries = PngImage.AssertPng(TradeOffPlot.Render("x", Runs), 900, 540);
        TradeOffPoint[] twoSeries = [Runs[0], Runs[1] with { Series = "other task" }, Runs[2]];
        using var grouped = PngImage.AssertPng(TradeOffPlot.Render("x", twoSeries), 900, 540);
        Assert.True(PngImage.DifferingPixels(oneSeries, grouped) > 20);
    }

    [Fact]
    public void Forgetting_ratios_on_a_log_axis_render_and_must_be_positive()
    {
        TradeOffPoint[] ratios = [new("full", 330, 56), new("mix", 1.28, 50), new("LoRA", 4, 55), new("ICL", 1, 0)];
        using var log = PngImage.AssertPng(TradeOffPlot.Render("x", ratios, logarithmicForgetting: true), 900, 540);
        using var linear = PngImage.AssertPng(TradeOffPlot.Render("x", ratios), 900, 540);
        Assert.True(PngImage.DifferingPixels(log, linear) > 200);
        Assert.Throws<ArgumentException>(() => TradeOffPlot.Render("x", [new("no ratio", 0, 1)], logarithmicForgetting: true));
    }

    [Fact]
    public void Negative_values_one_point_or_none_render_and_bad_values_are_errors()
    {
        using var negative = PngImage.AssertPng(TradeOffPlot.Render("x", [new("a", -0.2, -0.1), new("b", 0.1, 0.3)]), 900, 540);
        using var single = PngImage.AssertPng(TradeOffPlot.Render("x", [new("only", 0, 0)]), 900, 540);
        using var empty = PngImage.AssertPng(TradeOffPlot.Render("x", []), 900, 540);
        Assert.Throws<ArgumentException>(() => TradeOffPlot.Render("x", [new("nan", double.NaN, 1)]));
        Assert.Throws<ArgumentException>(() => TradeOffPlot.Render("x", [new("inf", 0, double.PositiveInfinity)]));
    }
}
