using TuningService.Core.Templates;

namespace TuningService.Core.Tests.Templates;

public class PhrasingChoiceTests
{
    [Fact]
    public void Same_seed_and_position_give_the_same_phrasing()
    {
        for (var position = 1; position <= 200; position++)
            Assert.Equal(PhrasingChoice.Index(42, position, 5), PhrasingChoice.Index(42, position, 5));
    }

    [Fact]
    public void Phrasings_are_spread_evenly_over_records()
    {
        // 5000 records over 5 phrasings: 1000 expected each, binomial sd ≈ 28; ±200 fails only for a skewed choice.
        var counts = new int[5];
        for (var position = 1; position <= 5000; position++) counts[PhrasingChoice.Index(7, position, 5)]++;
        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    [Fact]
    public void Another_seed_gives_other_choices()
    {
        var differ = Enumerable.Range(1, 200).Count(p => PhrasingChoice.Index(1, p, 5) != PhrasingChoice.Index(2, p, 5));
        Assert.InRange(differ, 120, 200); // independent choices differ 4 times in 5: 160 expected
    }

    [Fact]
    public void Neighbouring_positions_do_not_cycle()
    {
        // A choice like position % 5 would spread evenly yet give every 5th record the same wording.
        var choices = Enumerable.Range(1, 100).Select(p => PhrasingChoice.Index(3, p, 5)).ToList();
        Assert.NotEqual(choices.Take(50), choices.Skip(5).Take(50));
        Assert.Equal(0, PhrasingChoice.Index(3, 1, 1));
    }
}
