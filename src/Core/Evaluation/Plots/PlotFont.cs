using ScottPlot;
using SkiaSharp;

namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// The one font every plot uses: Open Sans, embedded in this assembly (Fonts/README.md says why and where from).
/// Registered once with ScottPlot's process-wide font registry and made its default, so that text never depends on
/// the fonts of the machine.
/// </summary>
internal static class PlotFont
{
    public const string FamilyName = "Open Sans";

    private const string ResourceName = "TuningService.Core.Evaluation.Plots.OpenSans-Regular.ttf";

    private static readonly Lazy<SKTypeface> Registered = new(Register, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The embedded typeface, registered with ScottPlot on first use.</summary>
    public static SKTypeface Typeface => Registered.Value;

    private static SKTypeface Register()
    {
        using var stream = typeof(PlotFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The plot font resource {ResourceName} is missing from the assembly.");
        var typeface = SKTypeface.FromStream(stream)
            ?? throw new InvalidOperationException($"The plot font resource {ResourceName} is not a readable font.");
        Fonts.FontResolvers.Insert(0, new EmbeddedFontResolver(FamilyName, typeface));
        Fonts.Default = FamilyName;
        return typeface;
    }
}
