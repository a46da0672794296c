using TuningService.Core.FineTuning.DryRun;
using TuningService.Core.Training;

namespace TuningService.Core.Tests.FineTuning.DryRun;

public sealed class HoldoutApproximationTests
{
    static List<TokenizedExample> Examples(int n) => [.. Enumerable.Range(0, n).Select(i => new TokenizedExample([i], [i]))];

    [Fact]
    public void Shares_are_rounded_and_taken_evenly_through_the_file()
    {
        var result = HoldoutApproximation.Apply(Examples(10), 0.2, 0.1);

        Assert.Equal(2, result.Validation);
        Assert.Equal(1, result.Test);
        // 3 of 10 held out where floor((i + 1) · 3 / 10) steps up: i = 3, 6, 9.
        Assert.Equal([0, 1, 2, 4, 5, 7, 8], result.Train.Select(e => e.InputIds[0]));
    }

    [Fact]
    public void Halves_round_away_from_zero() =>
        Assert.Equal(1, HoldoutApproximation.Apply(Examples(5), 0.1, null).Validation); // 0.5 → 1

    [Fact]
    public void Something_always_remains_to_train_on()
    {
        var result = HoldoutApproximation.Apply(Examples(2), 0.45, 0.45);

        Assert.Single(result.Train);
        Assert.Equal(1, result.Validation + result.Test);
    }

    [Fact]
    public void No_shares_keep_every_example()
    {
        var examples = Examples(4);
        Assert.Same(examples, HoldoutApproximation.Apply(examples, null, null).Train);
    }
}
