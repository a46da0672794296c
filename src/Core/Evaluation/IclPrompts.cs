using TuningService.Core.Files;

namespace TuningService.Core.Evaluation;

/// <summary>
/// The in-context-learning baseline's prompts: before each test prompt, k training examples (prompt + completion)
/// drawn without replacement by a seeded generator, from the test example's task when the training data has it,
/// else from all of it, joined by <see cref="Separator"/>. When a prompt with its shots does not fit, shots are
/// dropped from the front until it does; with none left it is the plain prompt (see <see cref="IclSummary"/>).
/// </summary>
public static class IclPrompts
{
    /// <summary>Between shots and before the test prompt; also a stop sequence, as the model may go on to a next "shot".</summary>
    public const string Separator = "\n\n";

    /// <param name="fits">Whether a prompt (with its shots) and the example's completion fit the model's context.</param>
    public static (IReadOnlyList<TrainingExample> Examples, IclSummary Summary) Build(IReadOnlyList<TrainingExample> test,
        IReadOnlyList<TrainingExample> pool, int shots, int seed, Func<TrainingExample, bool> fits)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(fits);
        ArgumentOutOfRangeException.ThrowIfLessThan(shots, 1);
        var byTask = pool.GroupBy(e => e.Task ?? "").ToDictionary(g => g.Key, g => g.ToList());
        // A seeded System.Random keeps its algorithm across .NET versions, so the same job draws the same shots.
        var random = new Random(seed);
        var result = new List<TrainingExample>(test.Count);
        int fewer = 0, none = 0;
        long used = 0;
        foreach (var example in test)
        {
            var candidates = byTask.TryGetValue(example.Task ?? "", out var same) ? same : pool;
            // A training example identical to the test prompt would hand the model the answer.
            var drawn = Draw(candidates.Where(c => c.Prompt != example.Prompt).ToList(), shots, random);
            var kept = drawn.Count;
            var prompted = WithShots(example, drawn, kept);
            while (kept > 0 && !fits(prompted))
                prompted = WithShots(example, drawn, --kept);
            if (kept < shots) fewer++;
            if (kept == 0) none++;
            used += kept;
            result.Add(prompted);
        }
        var summary = new IclSummary(shots, test.Count, fewer, none, test.Count == 0 ? 0 : (double)used / test.Count, Separator);
        return (result, summary);
    }

    static List<TrainingExample> Draw(List<TrainingExample> candidates, int count, Random random)
    {
        var chosen = candidates.ToArray();
        random.Shuffle(chosen);
        return [.. chosen.Take(count)];
    }

    /// <summary>The example prompted with the last <paramref name="kept"/> shots (the ones nearest the test prompt stay).</summary>
    static TrainingExample WithShots(TrainingExample example, List<TrainingExample> drawn, int kept) =>
        example with { Prompt = string.Concat(drawn.Skip(drawn.Count - kept).Select(s => s.Prompt + s.Completion + Separator)) + example.Prompt };
}
