namespace TuningService.Samples.ForgettingExperiment.Runs;

/// <summary>
/// A task the base model cannot do, that the runs fine-tune it on. <paramref name="Key"/> names it in job requests
/// (the multi-task mix's task name) and on the command line; <paramref name="Short"/> in the table and chart.
/// </summary>
/// <param name="Chance">
/// The accuracy of answering in the right form without the skill, fixed by how the data is built: a balanced label
/// for SST-2, one of the story's three names for the cat's name. A gain up to it is learning the format.
/// </param>
/// <param name="ChanceMeaning">What <paramref name="Chance"/> is, in words.</param>
public sealed record TargetTask(string Key, string Short, string Description, double Chance, string ChanceMeaning)
{
    public static TargetTask Sst2 { get; } = new("sst2", "SST-2",
        "SST-2 sentiment as `Review: <sentence> Sentiment:` → ` positive` / ` negative`. Training: the first N examples of " +
        "`samples/ForgettingExperiment/inputs/sst2-train.jsonl` (GLUE SST-2 train phrases); validation (100) and test (200): " +
        "sentences of GLUE SST-2 dev, disjoint from each other and from training (`inputs/README.md`). Balanced, so always answering one label scores 0.5.",
        0.5, "always the same label");

    public static TargetTask CatName { get; } = new("cat-name", "cat's name",
        "Reading a name from a story: `Once upon a time, there was a little girl named Mia. She had a dog called Leo and a cat called Rex. " +
        "It was a happy day. Question: What is the cat's name? Answer:` → ` Rex`. Generated from seeds by the program (`Data/CatNameStories.cs`): " +
        "the child, the cat and the other pet take three different names from one pool of 30 and the pets come in either order, so the answer must be read, " +
        "not guessed. N training, 100 validation and 200 test stories; no test prompt occurs in training.",
        1.0 / 3, "a name from the story, at random");

    public static IReadOnlyList<TargetTask> All { get; } = [Sst2, CatName];

    public static TargetTask Find(string key) =>
        All.FirstOrDefault(t => t.Key == key) ?? throw new ArgumentException($"Unknown task '{key}'; known: {string.Join(", ", All.Select(t => t.Key))}.");
}
