using TuningService.Core.Datasets.Statistics;

namespace TuningService.Core.Tests.Datasets.Statistics;

public sealed class LengthHistogramTests
{
    [Fact]
    public void Buckets_have_power_of_two_edges_from_zero_through_the_first_edge_above_the_maximum()
    {
        var buckets = LengthHistogram.PowersOfTwo([0, 1, 2, 3, 4, 7, 8, 255, 256]);

        Assert.Equal(
        [
            new HistogramBucket(0, 1, 1), new HistogramBucket(1, 2, 1), new HistogramBucket(2, 4, 2), new HistogramBucket(4, 8, 2),
            new HistogramBucket(8, 16, 1), new HistogramBucket(16, 32, 0), new HistogramBucket(32, 64, 0), new HistogramBucket(64, 128, 0),
            new HistogramBucket(128, 256, 1), new HistogramBucket(256, 512, 1),
        ], buckets);
    }

    [Fact]
    public void A_maximum_just_below_a_power_of_two_ends_at_that_power()
    {
        var buckets = LengthHistogram.PowersOfTwo([5, 7]);

        Assert.Equal(8, buckets[^1].To);
        Assert.Equal(2, buckets[^1].Count);
        Assert.Equal([0, 1, 2, 4], buckets.Select(b => b.From));
    }

    [Fact]
    public void Counts_add_up_to_the_number_of_values()
    {
        int[] values = [.. Enumerable.Range(0, 1000).Select(i => (i * 37) % 700)];
        Assert.Equal(values.Length, LengthHistogram.PowersOfTwo(values).Sum(b => b.Count));
    }

    [Fact]
    public void No_values_give_no_buckets() => Assert.Empty(LengthHistogram.PowersOfTwo([]));
}
