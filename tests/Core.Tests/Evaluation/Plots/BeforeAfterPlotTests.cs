using TuningService.Core.Evaluation.Plots;

namespace TuningService.Core.Tests.Evaluation.Plots;

public class BeforeAfterPlotTests
{
    private static readonly BeforeAfterBar[] Gains =
    [
        new("test: accuracy", 0.61, 0.84),
        new("test: macro-F1", 0.55, 0.83),
        new("test: exact match", 0.12, 0.40),
    ];

    [Fact]
    public void Renders_a_png_of_the_requested_size()
    {
        using var image = PngImage.AssertPng(BeforeAfterPlot.Render("Target task", Gains, width: 800, height: 450), 800, 450);
    }

    [Fact]
    public void Different_data_gives_a_different_picture()
    {
        using var first = PngImage.AssertPng(BeforeAfterPlot.Render("Target task", Gains), 900, 540);
        BeforeAfterBar[] worse = [Gains[0], Gains[1], new("test: exact match", 0.12, 0.30)];
        using var second = PngImage.AssertPng(BeforeAfterPlot.Render("Target task", worse), 900, 540);
        Assert.True(PngImage.DifferingPixels(first, second) > 200);
    }

    [Fact]
    public void The_direction_of_better_changes_the_annotation()
    {
        // Same numbers; a rising perplexity is a regression (red), a rising accuracy an improvement (green).
        using var asAccuracy = PngImage.AssertPng(BeforeAfterPlot.Render("R", [new("x", 18.2, 19.7)]), 900, 540);
        using var asPerplexity = PngImage.AssertPng(
            BeforeAfterPlot.Render("R", [new("x", 18.2, 19.7, HigherIsBetter: false)]), 900, 540);
        Assert.True(PngImage.DifferingPixels(asAccuracy, asPerplexity) > 20);
    }

    [Fact]
    public void Many_or_empty_groups_render_and_bad_values_are_errors()
    {
        var many = Enumerable.Range(0, 8).Select(i => new BeforeAfterBar($"retention set {i}: perplexity", 10 + i, 11 + i, false));
        using var crowded = PngImage.AssertPng(BeforeAfterPlot.Render("Forgetting", [.. many]), 900, 540);
        using var empty = PngImage.AssertPng(BeforeAfterPlot.Render("Forgetting", []), 900, 540);
        Assert.Throws<ArgumentException>(() => BeforeAfterPlot.Render("x", [new("nan", double.NaN, 1)]));
    }
}
