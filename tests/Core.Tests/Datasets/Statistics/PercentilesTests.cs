using TuningService.Core.Datasets.Statistics;

namespace TuningService.Core.Tests.Datasets.Statistics;

/// <summary>
/// Linear interpolation between closest ranks (numpy's default), against values worked out by hand: rank
/// h = (n - 1) p / 100, value x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋]).
/// </summary>
public sealed class PercentilesTests
{
    [Theory]
    // n = 5: h = 4p/100.
    [InlineData(0, 15)]      // h = 0
    [InlineData(40, 29)]     // h = 1.6: 20 + 0.6 × (35 - 20)
    [InlineData(50, 35)]     // h = 2
    [InlineData(90, 46)]     // h = 3.6: 40 + 0.6 × (50 - 40)
    [InlineData(95, 48)]     // h = 3.8: 40 + 0.8 × 10
    [InlineData(99, 49.6)]   // h = 3.96: 40 + 0.96 × 10
    [InlineData(100, 50)]    // h = 4
    public void Five_values(double percent, double expected) =>
        Assert.Equal(expected, Percentiles.Linear([15, 20, 35, 40, 50], percent), 9);

    [Theory]
    // n = 4: h = 3p/100. Nearest-rank would give 2, 4, 4, 4: these differ, so the method is pinned.
    [InlineData(50, 2.5)]    // h = 1.5: 2 + 0.5 × 1
    [InlineData(90, 3.7)]    // h = 2.7
    [InlineData(95, 3.85)]   // h = 2.85
    [InlineData(99, 3.97)]   // h = 2.97
    public void Four_values_interpolate_between_ranks(double percent, double expected) =>
        Assert.Equal(expected, Percentiles.Linear([1, 2, 3, 4], percent), 9);

    [Fact]
    public void One_value_is_every_percentile()
    {
        foreach (var p in new[] { 0.0, 50, 99, 100 })
            Assert.Equal(7, Percentiles.Linear([7], p));
    }

    [Fact]
    public void Equal_neighbours_give_their_value() =>
        Assert.Equal(3, Percentiles.Linear([1, 3, 3, 3, 9], 60)); // h = 2.4 between two 3s

    [Fact]
    public void No_values_or_a_percent_outside_0_to_100_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Linear([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Linear([1], 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Linear([1], -1));
    }
}
