namespace TuningService.Core.Datasets.Statistics;

/// <summary>How many values v satisfy <paramref name="From"/> &lt;= v &lt; <paramref name="To"/>.</summary>
public sealed record HistogramBucket(int From, int To, int Count);
