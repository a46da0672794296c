namespace TuningService.Core.Configuration;

/// <summary>
/// Checks the numeric settings of the Tuning section at start-up. Out of range, they used to be clamped or to fail
/// far from their cause (a worker with no threads, a lease that lapses at once); a bad value now stops the process
/// with a line that names the setting and the range.
/// </summary>
public static class TuningOptionsValidation
{
    public static IReadOnlyList<string> Problems(TuningOptions options)
    {
        var problems = new List<string>();
        AtLeast(problems, nameof(TuningOptions.WorkerCount), options.WorkerCount, 1, "jobs one worker process trains at once");
        AtLeast(problems, nameof(TuningOptions.LeaseSeconds), options.LeaseSeconds, 1, "how long a worker's claim on a job lasts");
        AtLeast(problems, nameof(TuningOptions.JobInvisibilitySeconds), options.JobInvisibilitySeconds, 1, "how long a fetched job stays hidden from other workers");
        AtLeast(problems, nameof(TuningOptions.KeepCheckpoints), options.KeepCheckpoints, 1, "checkpoints a job keeps");
        AtLeast(problems, nameof(TuningOptions.MaxUploadBytes), options.MaxUploadBytes, 1, "the largest accepted upload");
        AtLeast(problems, nameof(TuningOptions.ModelCacheBytes), options.ModelCacheBytes, 0, "memory for models loaded for inference");
        AtLeast(problems, nameof(TuningOptions.MaxConcurrentGenerations), options.MaxConcurrentGenerations, 1, "generation requests served at once");
        AtLeast(problems, nameof(TuningOptions.MaxQueuedGenerations), options.MaxQueuedGenerations, 0, "generation requests allowed to wait");
        if (options.MaxConcurrentDatasetOperations is { } datasetOperations)
            AtLeast(problems, nameof(TuningOptions.MaxConcurrentDatasetOperations), datasetOperations, 1, "dataset operations run at once; leave it out for half the processors");
        AtLeast(problems, nameof(TuningOptions.MaxQueuedDatasetOperations), options.MaxQueuedDatasetOperations, 0, "dataset operations allowed to wait");
        AtLeast(problems, nameof(TuningOptions.EvaluationMaxGeneratedExamples), options.EvaluationMaxGeneratedExamples, 0, "examples evaluated by generation");
        if (options.WorkerMemoryBytes is { } workerMemory)
            AtLeast(problems, nameof(TuningOptions.WorkerMemoryBytes), workerMemory, 1L << 28, "memory one training worker may use; leave it out for the machine's less a margin");
        if (options.LocalCacheBytes is { } cacheBytes)
            AtLeast(problems, nameof(TuningOptions.LocalCacheBytes), cacheBytes, 1, "bytes the data directory keeps of the artifact store; leave it out for no bound");
        return problems;
    }

    /// <summary>Throws a <see cref="StartupException"/> naming every out-of-range setting, on one line.</summary>
    public static void ThrowIfInvalid(TuningOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0)
            throw new StartupException($"Invalid configuration: {string.Join("; ", problems)}. Fix it in appsettings.json or the " +
                $"environment (e.g. {TuningOptions.Section}__{nameof(TuningOptions.WorkerCount)}=1).");
    }

    static void AtLeast(List<string> problems, string name, long value, long minimum, string meaning)
    {
        if (value < minimum)
            problems.Add($"{TuningOptions.Section}:{name} is {value} but must be at least {minimum} ({meaning})");
    }
}
