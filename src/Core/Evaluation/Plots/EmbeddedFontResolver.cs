using ScottPlot;
using SkiaSharp;

namespace TuningService.Core.Evaluation.Plots;

/// <summary>
/// Gives ScottPlot the embedded typeface for its family name, whatever weight or slant is asked for (there is one face;
/// titles are drawn regular rather than falling back to a system font that may not exist).
/// </summary>
internal sealed class EmbeddedFontResolver(string familyName, SKTypeface typeface) : IFontResolver
{
    public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) => Resolve(fontName);

    public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
        Resolve(fontName);

    private SKTypeface? Resolve(string fontName) =>
        string.Equals(fontName, familyName, StringComparison.OrdinalIgnoreCase) ? typeface : null;
}
