using TuningService.Core.MultiTask;

namespace TuningService.Core.Tests.MultiTask;

/// <summary>Epochs built from three tasks of 80, 40 and 20 named strings ("a0".."a79", "b0".., "c0"..).</summary>
public class MixedEpochBuilderTests
{
    private static readonly IReadOnlyList<string>[] Examples =
    [
        Names('a', 80), Names('b', 40), Names('c', 20),
    ];

    private static string[] Names(char task, int count) => Enumerable.Range(0, count).Select(i => $"{task}{i}").ToArray();

    private static MixedEpochBuilder<string> Builder(MixingOptions options, int? epochSize = null)
    {
        TaskMixture mixture = TaskMixture.Compute([new("a", 80), new("b", 40), new("c", 20)], options);
        return new MixedEpochBuilder<string>(mixture, Examples, epochSize);
    }

    private static int[] CountsPerTask(MixedEpoch<string> epoch) =>
        [.. "abc".Select(task => epoch.Examples.Count(e => e[0] == task))];

    [Fact]
    public void Proportional_without_cap_uses_every_example_once()
    {
        MixedEpoch<string> epoch = Builder(MixingOptions.Default).Build(seed: 7, epoch: 1);

        Assert.Equal(Examples.SelectMany(e => e).Order(), epoch.Examples.Order());
        Assert.NotEqual(Examples.SelectMany(e => e), epoch.Examples); // shuffled, not concatenated
    }

    [Fact]
    public void Capped_tasks_are_subsampled_without_replacement()
    {
        // K = 30: 30 of a, 30 of b, all 20 of c; default size 80.
        MixedEpochBuilder<string> builder = Builder(new MixingOptions(Cap: 30));
        MixedEpoch<string> epoch = builder.Build(seed: 7, epoch: 1);

        Assert.Equal(80, builder.EpochSize);
        Assert.Equal([30, 30, 20], CountsPerTask(epoch));
        Assert.Equal(epoch.Examples.Count, epoch.Examples.Distinct().Count());
    }

    [Fact]
    public void Small_tasks_are_repeated_evenly_when_their_share_is_larger()
    {
        // Near-equal mixing of 140: quotas 46.67 each, so counts 47, 47, 46; c's 20 examples fill 46 places.
        MixedEpoch<string> epoch = Builder(new MixingOptions(MixingStrategy.Temperature, Temperature: 1e9)).Build(seed: 7, epoch: 1);

        Assert.Equal([47, 47, 46], CountsPerTask(epoch));
        var timesUsed = epoch.Examples.Where(e => e[0] == 'c').CountBy(e => e).ToDictionary();
        Assert.Equal(20, timesUsed.Count);
        Assert.All(timesUsed.Values, n => Assert.InRange(n, 2, 3)); // 2 full passes + 6 drawn without replacement
        Assert.Equal(6, timesUsed.Values.Count(n => n == 3));
        Assert.Equal(47, epoch.Examples.Count(e => e[0] == 'b'));
        Assert.Equal(47, epoch.Examples.Where(e => e[0] == 'b').Distinct().Count() + 7); // 40 once, 7 twice
    }

    [Fact]
    public void The_same_seed_and_epoch_replay_and_other_epochs_or_seeds_differ()
    {
        MixedEpochBuilder<string> builder = Builder(new MixingOptions(Cap: 30));

        MixedEpoch<string> first = builder.Build(seed: 7, epoch: 1);
        Assert.Equal(first.Examples, builder.Build(seed: 7, epoch: 1).Examples);
        Assert.Equal(first.TaskIndices, Builder(new MixingOptions(Cap: 30)).Build(seed: 7, epoch: 1).TaskIndices);

        MixedEpoch<string> second = builder.Build(seed: 7, epoch: 2);
        MixedEpoch<string> otherSeed = builder.Build(seed: 8, epoch: 1);
        Assert.NotEqual(first.Examples, second.Examples);
        Assert.NotEqual(first.Examples, otherSeed.Examples);
        // Not only the order: the subsample of the capped task changes between epochs.
        Assert.False(first.Examples.Where(e => e[0] == 'a').ToHashSet().SetEquals(second.Examples.Where(e => e[0] == 'a')));
    }

    [Fact]
    public void Every_task_gets_its_rate_of_the_epoch_within_one_example()
    {
        MixedEpochBuilder<string> builder = Builder(new MixingOptions(MixingStrategy.Temperature, Temperature: 2), epochSize: 100);
        MixedEpoch<string> epoch = builder.Build(seed: 3, epoch: 5);

        // Rates for T = 2 on 80:40:20 (see TaskMixtureTests): 45.31, 32.04, 22.65 of 100 → 45, 32, 23.
        Assert.Equal([45, 32, 23], CountsPerTask(epoch));
        Assert.Equal([45, 32, 23], builder.ExamplesPerEpoch);
        Assert.All(epoch.Usage, u => Assert.True(Math.Abs(u.EpochShare - u.Rate) < 1.0 / 100, u.Describe()));
    }

    [Fact]
    public void Task_indices_name_each_examples_task()
    {
        MixedEpoch<string> epoch = Builder(new MixingOptions(Cap: 30)).Build(seed: 1, epoch: 1);

        Assert.Equal(epoch.Examples.Select(e => e[0] - 'a'), epoch.TaskIndices);
    }

    [Fact]
    public void The_report_gives_available_rate_used_distinct_and_repeats_per_task()
    {
        // Equal weights but c weighted 4: rates ∝ [80, 40, 80] → [0.4, 0.2, 0.4] of 100 → 40, 20, 40.
        TaskMixture mixture = TaskMixture.Compute([new("a", 80), new("b", 40), new("c", 20, Weight: 4)], MixingOptions.Default);
        MixedEpoch<string> epoch = new MixedEpochBuilder<string>(mixture, Examples, epochSize: 100).Build(seed: 7, epoch: 2);

        Assert.Equal(
            [
                new TaskEpochUsage("a", 80, 0.4, 40, 40, 0.4),
                new TaskEpochUsage("b", 40, 0.2, 20, 20, 0.2),
                new TaskEpochUsage("c", 20, 0.4, 40, 20, 0.4),
            ],
            epoch.Usage.Select(u => u with { Rate = Math.Round(u.Rate, 12) }));
        Assert.Equal([0, 0, 20], epoch.Usage.Select(u => u.RepeatedExamples));
        Assert.Equal("c: rate 0.400, 40 used of 20 available (20 distinct, 20 repeats)", epoch.Usage[2].Describe());
        Assert.StartsWith("epoch 2, 100 examples: a: rate 0.400, 40 used of 80 available", epoch.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Example_lists_that_do_not_match_the_mixture_are_refused()
    {
        TaskMixture mixture = TaskMixture.Compute([new("a", 80), new("b", 40), new("c", 20)], MixingOptions.Default);

        Assert.Throws<ArgumentException>(() => new MixedEpochBuilder<string>(mixture, Examples[..2]));
        Assert.Throws<ArgumentException>(() => new MixedEpochBuilder<string>(mixture, [Examples[0], Examples[2], Examples[1]]));
    }
}
