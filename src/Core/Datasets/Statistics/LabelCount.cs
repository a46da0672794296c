namespace TuningService.Core.Datasets.Statistics;

/// <summary>How many records carry one classification label (see <see cref="ClassificationLabels"/>), and their share.</summary>
public sealed record LabelCount(string Label, int Count, double Share);
