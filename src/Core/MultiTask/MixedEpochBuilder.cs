namespace TuningService.Core.MultiTask;

/// <summary>
/// Builds each epoch's training list from per-task example lists and a <see cref="TaskMixture"/>: task m gets its
/// count of the epoch (<see cref="TaskMixture.ExampleCounts"/>). A task with more examples than its count is
/// subsampled without replacement; a task with fewer is used whole as many times as fit, and the remainder is a
/// sample without replacement, so no example is repeated more than once beyond any other of its task. The draws
/// and the final shuffle are fixed by (seed, epoch) and differ between epochs. Generic over the example type, so it
/// mixes raw <c>TrainingExample</c>s and <c>TokenizedExample</c>s alike.
/// </summary>
/// <remarks>Written here: T5's mixing lives in tf.data/seqio, and neither TorchSharp nor .NET has a mixture sampler.</remarks>
public sealed class MixedEpochBuilder<T>
{
    private readonly TaskMixture _mixture;
    private readonly IReadOnlyList<IReadOnlyList<T>> _examples;
    private readonly int[] _counts;

    /// <param name="examplesPerTask">The examples of <c>mixture.Tasks[m]</c> at index m; each list's count must be that task's ExampleCount.</param>
    /// <param name="epochSize">Examples per epoch; default <see cref="TaskMixture.DefaultEpochSize"/> (the sum of capped sizes).</param>
    public MixedEpochBuilder(TaskMixture mixture, IReadOnlyList<IReadOnlyList<T>> examplesPerTask, int? epochSize = null)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(examplesPerTask);
        if (examplesPerTask.Count != mixture.Tasks.Count)
            throw new ArgumentException($"{examplesPerTask.Count} example lists for {mixture.Tasks.Count} tasks.", nameof(examplesPerTask));
        for (int m = 0; m < examplesPerTask.Count; m++)
        {
            if (examplesPerTask[m].Count != mixture.Tasks[m].ExampleCount)
                throw new ArgumentException(
                    $"Task '{mixture.Tasks[m].Name}' has {examplesPerTask[m].Count} examples; the mixture was computed for {mixture.Tasks[m].ExampleCount}.",
                    nameof(examplesPerTask));
        }
        _mixture = mixture;
        _examples = examplesPerTask;
        EpochSize = epochSize ?? mixture.DefaultEpochSize;
        _counts = mixture.ExampleCounts(EpochSize);
    }

    /// <summary>Examples in every epoch (the same each epoch, so step counts are known before training).</summary>
    public int EpochSize { get; }

    /// <summary>Examples each task contributes to every epoch, in task order.</summary>
    public IReadOnlyList<int> ExamplesPerEpoch => _counts;

    public MixedEpoch<T> Build(int seed, int epoch)
    {
        Random random = EpochRandom(seed, epoch);
        var picks = new (int Task, int Index)[EpochSize];
        var usage = new TaskEpochUsage[_counts.Length];
        int next = 0;
        for (int m = 0; m < _counts.Length; m++)
        {
            int available = _examples[m].Count, used = _counts[m];
            for (int pass = 0; pass < used / available; pass++)
            {
                for (int i = 0; i < available; i++)
                    picks[next++] = (m, i);
            }
            int rest = used % available;
            if (rest > 0)
            {
                int[] order = Enumerable.Range(0, available).ToArray();
                random.Shuffle(order);
                for (int k = 0; k < rest; k++)
                    picks[next++] = (m, order[k]);
            }
            usage[m] = new TaskEpochUsage(_mixture.Tasks[m].Name, available, _mixture.Rates[m], used,
                Math.Min(used, available), (double)used / EpochSize);
        }
        // Interleaved here, not left to the trainer: a consumer that batches in order must still see mixed batches.
        random.Shuffle(picks);
        return new MixedEpoch<T>(epoch, picks.Select(p => _examples[p.Task][p.Index]).ToArray(), picks.Select(p => p.Task).ToArray(), usage);
    }

    /// <summary>A generator of its own, fixed by (seed, epoch). Not Batcher's: the trainer shuffles this epoch's
    /// list with that one, and reusing its draws here would tie which examples are picked to where they land.</summary>
    private static Random EpochRandom(int seed, int epoch) =>
        // Seeded System.Random keeps its algorithm across .NET versions, so an epoch replays in later runs.
        new(unchecked((seed * 1_000_003) + epoch) ^ 0x4D495854); // "MIXT"
}
