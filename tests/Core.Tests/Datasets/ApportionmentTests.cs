using TuningService.Core.Datasets;

namespace TuningService.Core.Tests.Datasets;

public sealed class ApportionmentTests
{
    [Theory]
    [InlineData(10, new[] { 8, 1, 1 })]
    [InlineData(200, new[] { 160, 20, 20 })]
    [InlineData(7, new[] { 5, 1, 1 })] // 5.6 / 0.7 / 0.7: the two largest remainders get the two records left
    [InlineData(3, new[] { 3, 0, 0 })] // 2.4 / 0.3 / 0.3: remainders 0.4, 0.3, 0.3
    public void Totals_are_rounded_by_largest_remainder(int total, int[] expected)
    {
        Assert.Equal(expected, Apportionment.LargestRemainder(total, [0.8, 0.1, 0.1]));
    }

    [Fact]
    public void Many_small_strata_still_fill_the_small_parts()
    {
        var sizes = Enumerable.Repeat(3, 300).ToArray();
        var counts = Apportionment.Apportion(sizes, [0.8, 0.1, 0.1]);

        Assert.Equal([720, 90, 90], Enumerable.Range(0, 3).Select(p => counts.Sum(c => c[p])));
        Assert.All(counts, c => Assert.Equal(3, c.Sum()));
        Assert.All(counts, c => Assert.InRange(c[0], 2, 3)); // 2.4 exact
        Assert.All(counts, c => Assert.InRange(c[1], 0, 1)); // 0.3 exact
    }

    [Fact]
    public void Each_stratum_is_within_one_record_of_its_exact_share()
    {
        int[] sizes = [101, 99, 7, 1, 55];
        double[] ratios = [0.7, 0.2, 0.1];
        var counts = Apportionment.Apportion(sizes, ratios);

        for (var s = 0; s < sizes.Length; s++)
        {
            Assert.Equal(sizes[s], counts[s].Sum());
            for (var p = 0; p < ratios.Length; p++)
                Assert.True(Math.Abs(counts[s][p] - sizes[s] * ratios[p]) < 1, $"stratum {s} part {p}: {counts[s][p]} for {sizes[s] * ratios[p]}");
        }
        Assert.Equal(Apportionment.LargestRemainder(sizes.Sum(), ratios), Enumerable.Range(0, 3).Select(p => counts.Sum(c => c[p])));
    }

    [Fact]
    public void A_zero_share_gets_nothing()
    {
        var counts = Apportionment.Apportion([5, 3], [0.5, 0, 0.5]);
        Assert.All(counts, c => Assert.Equal(0, c[1]));
    }

    [Fact]
    public void Random_tables_keep_every_count_within_one_of_exact_and_the_totals_rounded()
    {
        var random = new Random(2024);
        for (var trial = 0; trial < 2000; trial++)
        {
            var sizes = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(1, 60)).ToArray();
            var weights = Enumerable.Range(0, 3).Select(_ => random.Next(0, 10)).ToArray();
            if (weights.Sum() == 0) continue;
            var ratios = weights.Select(w => (double)w / weights.Sum()).ToArray();
            var counts = Apportionment.Apportion(sizes, ratios);

            Assert.Equal(Apportionment.LargestRemainder(sizes.Sum(), ratios), Enumerable.Range(0, 3).Select(p => counts.Sum(c => c[p])));
            for (var s = 0; s < sizes.Length; s++)
            {
                Assert.Equal(sizes[s], counts[s].Sum());
                for (var p = 0; p < 3; p++)
                    Assert.True(Math.Abs(counts[s][p] - sizes[s] * ratios[p]) < 1,
                        $"trial {trial}: sizes [{string.Join(", ", sizes)}], ratios [{string.Join(", ", ratios)}]: stratum {s} part {p} has {counts[s][p]}");
            }
        }
    }
}
