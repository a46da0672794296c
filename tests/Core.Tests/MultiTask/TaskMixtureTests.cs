using TuningService.Core.MultiTask;

namespace TuningService.Core.Tests.MultiTask;

/// <summary>Mixing rates against values worked out by hand from the T5 paper's definitions (section 3.5.2).</summary>
public class TaskMixtureTests
{
    private const double Exact = 1e-12;

    private static TaskMixture Mix(int[] sizes, MixingOptions options, double[]? weights = null) =>
        TaskMixture.Compute(sizes.Select((e, m) => new MixtureTask($"t{m}", e, weights?[m] ?? 1)).ToList(), options);

    private static void AssertRates(double[] expected, TaskMixture mixture, double tolerance = Exact)
    {
        Assert.Equal(expected.Length, mixture.Rates.Count);
        for (int m = 0; m < expected.Length; m++)
            Assert.True(Math.Abs(expected[m] - mixture.Rates[m]) <= tolerance, $"task {m}: expected {expected[m]}, got {mixture.Rates[m]}");
    }

    [Fact]
    public void Proportional_without_cap_follows_the_sizes()
    {
        TaskMixture mixture = Mix([80, 40, 20], MixingOptions.Default);

        AssertRates([4 / 7.0, 2 / 7.0, 1 / 7.0], mixture);
        Assert.Equal([80, 40, 20], mixture.CappedSizes);
        Assert.Equal(140, mixture.DefaultEpochSize);
    }

    [Fact]
    public void Proportional_with_cap_limits_large_tasks_to_K()
    {
        // min(e, K) with K = 30: [30, 30, 20] of 80.
        TaskMixture mixture = Mix([80, 40, 20], new MixingOptions(Cap: 30));

        AssertRates([3 / 8.0, 3 / 8.0, 2 / 8.0], mixture);
        Assert.Equal([30, 30, 20], mixture.CappedSizes);
        Assert.Equal(80, mixture.DefaultEpochSize);
    }

    [Fact]
    public void Temperature_two_takes_square_roots_of_the_proportional_rates()
    {
        // p = [4/7, 2/7, 1/7]; p^(1/2) is proportional to [2, sqrt 2, 1].
        TaskMixture mixture = Mix([80, 40, 20], new MixingOptions(MixingStrategy.Temperature, Temperature: 2));

        AssertRates([0.4530818393219729, 0.3203772410170408, 0.22654091966098644], mixture);
    }

    [Fact]
    public void Temperature_with_cap_as_in_T5_caps_before_scaling()
    {
        // K = 2^16: capped [65536, 10000, 100], p = capped / 75636, then p^(1/8) renormalised.
        TaskMixture mixture = Mix([1_000_000, 10_000, 100], new MixingOptions(MixingStrategy.Temperature, Cap: 65536, Temperature: 8));

        AssertRates([0.4473994146661437, 0.3537002935427888, 0.19890029179106736], mixture);
    }

    [Fact]
    public void Temperature_one_equals_proportional()
    {
        int[] sizes = [1_000_000, 10_000, 100, 7];
        TaskMixture proportional = Mix(sizes, new MixingOptions(Cap: 65536));
        TaskMixture temperature = Mix(sizes, new MixingOptions(MixingStrategy.Temperature, Cap: 65536, Temperature: 1));

        AssertRates([.. proportional.Rates], temperature);
        AssertRates([65536 / 75643.0, 10000 / 75643.0, 100 / 75643.0, 7 / 75643.0], proportional);
    }

    [Fact]
    public void Large_temperature_approaches_equal_mixing()
    {
        TaskMixture mixture = Mix([1_000_000, 10_000, 100, 7], new MixingOptions(MixingStrategy.Temperature, Temperature: 1e6));

        AssertRates([0.25, 0.25, 0.25, 0.25], mixture, tolerance: 1e-5);
    }

    [Fact]
    public void Weights_multiply_rates_before_renormalising()
    {
        // Equal sizes: 3:1.  Sizes 1:3 with weights 3:1: 3·1/4 and 1·3/4 are equal.
        AssertRates([0.75, 0.25], Mix([100, 100], MixingOptions.Default, [3, 1]));
        AssertRates([0.5, 0.5], Mix([100, 300], MixingOptions.Default, [3, 1]));
        // Temperature 2 on 100:400 gives 1:2, then weights 4:1 give 4:2.
        AssertRates([2 / 3.0, 1 / 3.0], Mix([100, 400], new MixingOptions(MixingStrategy.Temperature, Temperature: 2), [4, 1]));
    }

    [Theory]
    [InlineData(140, new[] { 80, 40, 20 })]
    [InlineData(100, new[] { 57, 29, 14 })] // quotas 57.14, 28.57, 14.29: the one left over goes to the largest fraction
    [InlineData(10, new[] { 6, 3, 1 })]     // quotas 5.71, 2.86, 1.43: two left over
    public void Example_counts_round_quotas_by_largest_remainder(int epochSize, int[] expected)
    {
        Assert.Equal(expected, Mix([80, 40, 20], MixingOptions.Default).ExampleCounts(epochSize));
    }

    [Fact]
    public void Empty_tasks_bad_weights_repeated_names_and_bad_options_are_refused()
    {
        Assert.Throws<ArgumentException>(() => TaskMixture.Compute([], MixingOptions.Default));
        Assert.Throws<ArgumentException>(() => Mix([10, 0], MixingOptions.Default));
        Assert.Throws<ArgumentException>(() => Mix([10, 10], MixingOptions.Default, [1, 0]));
        Assert.Throws<ArgumentException>(() => TaskMixture.Compute([new("qa", 1), new("QA", 2)], MixingOptions.Default));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mix([10], new MixingOptions(Cap: 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Mix([10], new MixingOptions(MixingStrategy.Temperature, Temperature: 0.5)));
        Assert.Throws<ArgumentException>(() => Mix([10], new MixingOptions(MixingStrategy.Proportional, Temperature: 2)));
    }
}
