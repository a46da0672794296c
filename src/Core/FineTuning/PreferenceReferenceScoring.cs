using System.Globalization;
using TuningService.Core.Catalog;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// How a DPO job with full fine-tuning gives its pairs their reference log-probs (scored once by the starting
/// model, then kept with the tokens in the <see cref="TokenizedDatasetCache"/>), and the cache key part that names
/// that model: its id and its weight files' names, sizes and times, so other weights never reuse the scores.
/// </summary>
public sealed record PreferenceReferenceScoring(string Key, Func<TokenizedDataset, TokenizedDataset> Score)
{
    /// <summary>Pairs scored together; it changes the float rounding of the scores only.</summary>
    public const int BatchSize = 8;

    public static string KeyOf(CatalogModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var weights = Directory.EnumerateFiles(model.Directory)
            .Where(f => f.EndsWith(".safetensors", StringComparison.Ordinal) || f.EndsWith(".bin", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(f)}:{new FileInfo(f).Length}:{File.GetLastWriteTimeUtc(f).Ticks}"));
        return $"{model.Id}[{string.Join(",", weights)}]";
    }
}
