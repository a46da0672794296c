using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// Splits a list of examples into train, validation and test under a seed: <see cref="SplitPlanner"/> over the whole
/// list, with the prompts shared between parts counted from it. A file too large to hold as a list is planned by
/// feeding the planner while reading it and counting the prompts while writing the parts (the split endpoint).
/// </summary>
public static class DatasetSplitter
{
    /// <exception cref="SplitException">Labels or tasks asked for and absent, or a part with a share above 0 would be empty.</exception>
    public static SplitPlan Plan(IReadOnlyList<TrainingExample> examples, SplitOptions options)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Ratios.Check() is { } invalid) throw new SplitException(invalid.Param, invalid.Message);
        var planner = new SplitPlanner();
        foreach (var example in examples) planner.Add(example);
        var plan = planner.Plan(options);
        var prompts = new PromptsAcrossParts();
        for (var p = 0; p < plan.Parts.Count; p++)
            foreach (var i in plan.Parts[p].Indices)
                prompts.Add(examples[i].Prompt, p);
        return plan with { PromptsInSeveralParts = prompts.Count };
    }
}
