using TuningService.Core.Files;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Evaluation;

/// <summary>
/// The in-context-learning baseline's prompts: before each test prompt, k training examples (prompt + completion)
/// drawn without replacement by a seeded generator, from the test example's task when the training data has it,
/// else from all of it, joined by a separator (<see cref="SeparatorFor"/>). When a prompt with its shots does not fit, shots are
/// dropped from the front until it does; with none left it is the plain prompt (see <see cref="IclSummary"/>).
/// </summary>
public static class IclPrompts
{
    /// <summary>Between shots and before the test prompt, for tokenizers that can write a newline; also a stop
    /// sequence then, as the model may go on to a next "shot".</summary>
    public const string Separator = "\n\n";

    /// <summary>Used instead of <see cref="Separator"/> by a tokenizer without a newline piece (the shipped
    /// character-level model maps "\n" to &lt;unk&gt;): shots are then joined like the plain chat template's turns.
    /// It cannot be a stop sequence; the completion's EOS and token budget end generation.</summary>
    public const string PlainSeparator = " ";

    /// <summary>"\n\n" when <paramref name="tokenizer"/> encodes it without unknown tokens, else a space.</summary>
    public static string SeparatorFor(ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var ids = tokenizer.Encode(Separator);
        return ids.Count > 0 && (tokenizer.UnkId is not { } unk || !ids.Contains(unk)) ? Separator : PlainSeparator;
    }

    /// <param name="fits">Whether a prompt (with its shots) and the example's completion fit the model's context.</param>
    public static (IReadOnlyList<TrainingExample> Examples, IclSummary Summary) Build(IReadOnlyList<TrainingExample> test,
        IReadOnlyList<TrainingExample> pool, int shots, int seed, Func<TrainingExample, bool> fits, string separator = Separator)
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
            var prompted = WithShots(example, drawn, kept, separator);
            while (kept > 0 && !fits(prompted))
                prompted = WithShots(example, drawn, --kept, separator);
            if (kept < shots) fewer++;
            if (kept == 0) none++;
            used += kept;
            result.Add(prompted);
        }
        var summary = new IclSummary(shots, test.Count, fewer, none, test.Count == 0 ? 0 : (double)used / test.Count, separator);
        return (result, summary);
    }

    static List<TrainingExample> Draw(List<TrainingExample> candidates, int count, Random random)
    {
        var chosen = candidates.ToArray();
        random.Shuffle(chosen);
        return [.. chosen.Take(count)];
    }

    /// <summary>The example prompted with the last <paramref name="kept"/> shots (the ones nearest the test prompt stay).</summary>
    static TrainingExample WithShots(TrainingExample example, List<TrainingExample> drawn, int kept, string separator) =>
        example with { Prompt = string.Concat(drawn.Skip(drawn.Count - kept).Select(s => s.Prompt + s.Completion + separator)) + example.Prompt };
}
