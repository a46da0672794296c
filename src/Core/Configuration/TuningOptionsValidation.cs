namespace TuningService.Core.Configuration;

/// <summary>
/// Checks the Tuning section at start-up: its numeric settings (out of range they used to be clamped or to fail far
/// from their cause: a worker with no threads, a lease that lapses at once) and its API keys (a duplicate or empty key,
/// an entry with no owner). Every problem is listed, one line each, naming the setting; none quotes a key, since
/// these lines go to logs.
/// </summary>
public static class TuningOptionsValidation
{
    public static IReadOnlyList<string> Problems(TuningOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDir))
            problems.Add($"{TuningOptions.Section}:{nameof(TuningOptions.DataDir)} is empty (the folder for uploads, checkpoints and models)");
        AtLeast(problems, nameof(TuningOptions.WorkerCount), options.WorkerCount, 1, "jobs one worker process trains at once");
        AtLeast(problems, nameof(TuningOptions.LeaseSeconds), options.LeaseSeconds, 1, "how long a worker's claim on a job lasts");
        AtLeast(problems, nameof(TuningOptions.JobInvisibilitySeconds), options.JobInvisibilitySeconds, 1, "how long a fetched job stays hidden from other workers");
        AtLeast(problems, nameof(TuningOptions.MaxJobAttempts), options.MaxJobAttempts, 1, "worker deaths one job may cause before it fails");
        AtLeast(problems, nameof(TuningOptions.DatabaseOutageToleranceSeconds), options.DatabaseOutageToleranceSeconds, 1, "how long a worker rides out an unreachable database");
        // The worker never gives a checkpoint less than 5 s (FineTuningJobRunner); a smaller value would be silently raised.
        AtLeast(problems, nameof(TuningOptions.ShutdownCheckpointSeconds), options.ShutdownCheckpointSeconds, 5, "the time a worker has on SIGTERM to checkpoint its job");
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
        if (!Uri.TryCreate(options.HubUrl, UriKind.Absolute, out var hub) || (hub.Scheme != Uri.UriSchemeHttp && hub.Scheme != Uri.UriSchemeHttps))
            problems.Add($"{TuningOptions.Section}:{nameof(TuningOptions.HubUrl)} is '{options.HubUrl}' but must be an http or https URL (the Hugging Face Hub or a mirror)");
        LimitProblems(options, problems);
        return problems;
    }

    /// <summary>Rate limits and quotas by default: zero or less would refuse every request. Each key's overrides are checked with its key.</summary>
    static void LimitProblems(TuningOptions options, List<string> problems)
    {
        AtLeast(problems, "RateLimits:RequestsPerMinute", options.RateLimits.RequestsPerMinute, 1, "requests one key may make per minute");
        AtLeast(problems, "Quotas:MaxActiveJobs", options.Quotas.MaxActiveJobs, 1, "unfinished jobs one owner may have");
        AtLeast(problems, "Quotas:MaxQueuedJobs", options.Quotas.MaxQueuedJobs, 1, "queued jobs one owner may have");
        AtLeast(problems, "Quotas:MaxStoredBytes", options.Quotas.MaxStoredBytes, 1, "bytes of files one owner may store");
    }

    /// <summary>
    /// What is wrong with a set of API keys: checked at start-up and again on every reload (a reload with problems is
    /// not applied). Entries are named by their configuration path (<paramref name="names"/>, by default
    /// <c>Tuning:ApiKeys:{index}</c>), never by their key.
    /// </summary>
    public static IReadOnlyList<string> ApiKeyProblems(IReadOnlyList<ApiKeyOptions> keys, IReadOnlyList<string>? names = null)
    {
        if (names is not null && names.Count != keys.Count) names = null;
        string Name(int i) => names?[i] ?? $"{TuningOptions.Section}:{nameof(TuningOptions.ApiKeys)}:{i}";
        var problems = new List<string>();
        var firstIndexOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++)
        {
            var entry = Name(i);
            var key = keys[i].Key ?? "";
            if (string.IsNullOrWhiteSpace(key))
                problems.Add($"{entry}:Key is empty (every entry needs a key; remove the entry, or set its key)");
            else if (key != key.Trim())
                // The middleware trims what a caller sends, so such a key could never match.
                problems.Add($"{entry}:Key begins or ends with whitespace (no request could present it)");
            if (string.IsNullOrWhiteSpace(keys[i].Owner))
                problems.Add($"{entry}:Owner is empty (files, jobs and models belong to a key's owner)");
            // A key's own limits, checked with the key so that a reload cannot bring in one that refuses everything.
            foreach (var (setting, value, meaning) in new (string, long?, string)[]
            {
                ("RequestsPerMinute", keys[i].RequestsPerMinute, "this key's requests per minute"),
                ("MaxActiveJobs", keys[i].MaxActiveJobs, "this owner's unfinished jobs"),
                ("MaxQueuedJobs", keys[i].MaxQueuedJobs, "this owner's queued jobs"),
                ("MaxStoredBytes", keys[i].MaxStoredBytes, "bytes of files this owner may store"),
            })
            {
                if (value < 1) problems.Add($"{entry}:{setting} is {value} but must be at least 1 ({meaning})");
            }
            if (string.IsNullOrWhiteSpace(key)) continue;
            if (!firstIndexOfKey.TryGetValue(key, out var first))
            {
                firstIndexOfKey[key] = i;
                continue;
            }
            var earlier = keys[first];
            var what = earlier.Owner != keys[i].Owner
                ? $"for two owners ('{earlier.Owner}' and '{keys[i].Owner}'): a caller with it could not be told apart"
                : earlier.Admin != keys[i].Admin ? "once as admin and once not" : "twice";
            problems.Add($"{entry}:Key is the same key as {Name(first)}:Key, given {what}");
        }
        return problems;
    }

    /// <summary>
    /// Throws a <see cref="StartupException"/> naming every problem, one line each: those of <see cref="Problems"/>
    /// and <paramref name="more"/> (the API keys', found with their configuration paths).
    /// </summary>
    public static void ThrowIfInvalid(TuningOptions options, IEnumerable<string>? more = null)
    {
        var problems = Problems(options).Concat(more ?? []).ToList();
        if (problems.Count > 0)
            throw new StartupException(string.Join("\n", problems.Select(p => $"Invalid configuration: {p}.")
                .Append($"Fix {(problems.Count == 1 ? "it" : $"these {problems.Count} settings")} in appsettings.json, the keys file or the environment " +
                    $"({TuningOptions.Section}:Name is {TuningOptions.Section}__Name there).")));
    }

    static void AtLeast(List<string> problems, string name, long value, long minimum, string meaning)
    {
        if (value < minimum)
            problems.Add($"{TuningOptions.Section}:{name} is {value} but must be at least {minimum} ({meaning})");
    }
}
