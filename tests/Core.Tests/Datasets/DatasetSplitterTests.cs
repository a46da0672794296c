using System.Text.RegularExpressions;
using TuningService.Core.Datasets;
using TuningService.Core.Files;
using static TuningService.Core.Tests.Datasets.DatasetFiles;

namespace TuningService.Core.Tests.Datasets;

public sealed partial class DatasetSplitterTests
{
    static readonly SplitRatios Ratios = new(0.8, 0.1, 0.1);

    static List<TrainingExample> Sst2() => [.. Read(Sst2Train).Select(r => r.ToExample())];

    static SplitPlan Plan(IReadOnlyList<TrainingExample> examples, int seed, StratifyBy by = StratifyBy.Auto, SplitRatios? ratios = null) =>
        DatasetSplitter.Plan(examples, new SplitOptions(ratios ?? Ratios, seed, by));

    static string PartOf(SplitPlan plan, int index) => plan.Parts.Single(p => p.Indices.Contains(index)).Name;

    /// <summary>Written here, not taken from the code under test: letters, marks and digits, lower-cased.</summary>
    [GeneratedRegex(@"[^\p{L}\p{M}\p{N}]")]
    private static partial Regex NotLetterOrDigit();

    static string Key(TrainingExample e) =>
        NotLetterOrDigit().Replace(e.Prompt.ToLowerInvariant(), "") + "|" + NotLetterOrDigit().Replace(e.Completion.ToLowerInvariant(), "");

    /// <summary>For each stratum (as <paramref name="stratum"/> names it) and part: |count - n × share| &lt; 1.</summary>
    static void AssertProportions(IReadOnlyList<TrainingExample> examples, SplitPlan plan, SplitRatios ratios, Func<TrainingExample, string> stratum)
    {
        var inParts = plan.Parts.SelectMany(p => p.Indices).ToList();
        foreach (var group in inParts.GroupBy(i => stratum(examples[i])))
        {
            foreach (var part in plan.Parts)
            {
                var exact = group.Count() * ratios.Of(part.Name);
                var count = group.Count(part.Indices.Contains);
                Assert.True(Math.Abs(count - exact) < 1, $"{group.Key} in {part.Name}: {count} records for an exact share of {exact:0.##}");
            }
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_split_and_another_seed_a_different_one()
    {
        var examples = Sst2();
        var first = Plan(examples, seed: 42);
        var again = Plan(examples, seed: 42);
        var other = Plan(examples, seed: 43);

        Assert.Equal(first.Parts.Select(p => p.Indices), again.Parts.Select(p => p.Indices));
        Assert.NotEqual(first.Part("test")!.Indices, other.Part("test")!.Indices);
        Assert.NotEqual(first.Part("validation")!.Indices, other.Part("validation")!.Indices);
    }

    [Fact]
    public void Sst2_labels_keep_their_proportions_in_every_part()
    {
        var examples = Sst2();
        foreach (var seed in new[] { 1, 42, 1234 })
        {
            var plan = Plan(examples, seed);
            Assert.Equal("label", plan.StratifiedBy);
            Assert.Equal([160, 20, 20], plan.Parts.Select(p => p.Indices.Count));
            AssertProportions(examples, plan, Ratios, e => e.Completion.Trim());
            Assert.Equal(["negative", "positive"], plan.Part("train")!.Distribution.Keys);
        }
    }

    [Fact]
    public void Every_record_is_in_one_part_and_the_parts_are_in_file_order()
    {
        var examples = Sst2();
        var plan = Plan(examples, 7, ratios: new SplitRatios(0.6, 0.25, 0.15));
        var all = plan.Parts.SelectMany(p => p.Indices).ToList();

        Assert.Equal(Enumerable.Range(0, examples.Count), all.Order());
        Assert.All(plan.Parts, p => Assert.Equal(p.Indices.Order(), p.Indices));
    }

    [Fact]
    public void Duplicates_are_set_aside_so_none_crosses_parts()
    {
        var examples = Sst2();
        var noisy = examples.Concat(examples.Take(10))
            .Concat(examples.Skip(50).Take(20).Select(e => e with { Prompt = e.Prompt.ToUpperInvariant().Replace(" ", "  ") + "!" }))
            .ToList();
        var plan = Plan(noisy, 42);

        Assert.Equal((30, 10, 20), (plan.SetAside.Count, plan.ExactDuplicates, plan.NormalizedDuplicates));
        Assert.Equal(Enumerable.Range(200, 30), plan.SetAside);
        Assert.Equal(200, plan.Parts.Sum(p => p.Indices.Count));
        var partsByKey = plan.Parts.SelectMany(p => p.Indices.Select(i => (Key: Key(noisy[i]), p.Name))).GroupBy(x => x.Key);
        Assert.All(partsByKey, g => Assert.Single(g.Select(x => x.Name).Distinct()));
    }

    [Fact]
    public void A_multi_task_file_keeps_each_tasks_share()
    {
        var examples = Read(MixedMultiTask).Select(r => r.ToExample()).ToList();
        var plan = Plan(examples, 42);

        Assert.Equal("task", plan.StratifiedBy); // its completions are free text, not labels
        AssertProportions(examples, plan, Ratios, e => e.Task!);
        Assert.Equal(new Dictionary<string, int> { ["common_gen"] = 2, ["commonsense_qa"] = 2, ["hotpotqa"] = 2 }, plan.Part("test")!.Distribution);
    }

    [Fact]
    public void T0_tasks_keep_their_shares_and_their_labels_within_classification_tasks()
    {
        var examples = T0MultiTask();
        var ratios = new SplitRatios(0.7, 0.15, 0.15);
        var plan = Plan(examples, 42, ratios: ratios);

        Assert.Equal("task+label", plan.StratifiedBy);
        AssertProportions(examples, plan, ratios, e => e.Task!);
        var classification = new[] { "glue_qqp_duplicate", "wiki_qa_Is_This_True_", "app_reviews_convert_to_star_rating" };
        AssertProportions(examples, plan, ratios, e => classification.Contains(e.Task) ? $"{e.Task}:{e.Completion}" : e.Task!);
        // wiki_qa has 8 "Yes" among 200: the rare label still reaches the held-out parts.
        Assert.InRange(plan.Part("validation")!.Distribution["wiki_qa_Is_This_True_ / Yes<|endoftext|>"], 1, 2);
        Assert.InRange(plan.Part("test")!.Distribution["wiki_qa_Is_This_True_ / Yes<|endoftext|>"], 1, 2);
        Assert.DoesNotContain(plan.Part("test")!.Distribution.Keys, k => k.StartsWith("common_gen /", StringComparison.Ordinal));
        Assert.True(plan.PromptsInSeveralParts > 0, "common_gen shares prompts between records; the plan should say some span parts");
    }

    [Fact]
    public void Stratifying_by_task_or_label_needs_tasks_or_labels()
    {
        var label = Assert.Throws<SplitException>(() => Plan(Read(MixedMultiTask).Select(r => r.ToExample()).ToList(), 1, StratifyBy.Label));
        Assert.Equal("stratify", label.Param);
        var task = Assert.Throws<SplitException>(() => Plan(Sst2(), 1, StratifyBy.Task));
        Assert.Equal("stratify", task.Param);
        Assert.Equal("none", Plan(Sst2(), 1, StratifyBy.None).StratifiedBy);
    }

    [Fact]
    public void A_part_that_would_be_empty_is_an_error_naming_it()
    {
        var few = Sst2().Take(5).ToList();
        var error = Assert.Throws<SplitException>(() => Plan(few, 1, StratifyBy.None, new SplitRatios(0.9, 0.05, 0.05)));
        Assert.Equal("validation", error.Param);
        var noTest = Plan(few, 1, StratifyBy.None, new SplitRatios(0.6, 0.4, 0));
        Assert.Equal(["train", "validation"], noTest.Parts.Select(p => p.Name));
    }

    [Theory]
    [InlineData(0.8, 0.3, null, "train")]
    [InlineData(0.8, -0.1, null, "validation")]
    [InlineData(null, null, 1.5, "test")]
    [InlineData(0.0, 0.5, 0.5, "train")]
    [InlineData(double.NaN, 0.1, 0.1, "train")]
    public void Bad_ratios_name_the_part_at_fault(double? train, double? validation, double? test, string param)
    {
        var error = SplitRatios.From(train, validation, test).Check();
        Assert.NotNull(error);
        Assert.Equal(param, error.Param);
    }

    [Fact]
    public void Missing_ratios_are_filled_in()
    {
        Assert.Equal(new SplitRatios(0.8, 0.1, 0.1), SplitRatios.From(null, null, null));
        Assert.Equal(new SplitRatios(0.8, 0.2, 0), SplitRatios.From(null, 0.2, null));
        Assert.Equal(new SplitRatios(0.9, 0, 0.1), SplitRatios.From(0.9, null, 0.1));
        Assert.Null(SplitRatios.From(0.7, 0.2, 0.1).Check());
    }
}
