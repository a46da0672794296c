namespace TuningService.Core.MultiTask;

/// <summary>
/// The share of the training stream each task gets, as defined for T5 (Raffel et al. 2020, section 3.5.2). With
/// e_m examples in task m and the artificial dataset size limit K (<see cref="MixingOptions.Cap"/>, infinite when
/// not set):
/// <list type="bullet">
/// <item>proportional: r_m = min(e_m, K) / Σ_n min(e_n, K);</item>
/// <item>temperature T: r_m = p_m^(1/T) / Σ_n p_n^(1/T), with p the proportional rates. T = 1 is proportional
/// mixing; as T grows the rates approach equal mixing (1/M each).</item>
/// </list>
/// A task's <see cref="MixtureTask.Weight"/> (our extension, not in T5) multiplies its rate, and the rates are then
/// renormalised: rate_m = w_m r_m / Σ_n w_n r_n. A weight is relative: weight 2 doubles a task's rate against
/// the others' before renormalising, so its final share is less than double unless it was small.
/// </summary>
public sealed class TaskMixture
{
    private TaskMixture(IReadOnlyList<MixtureTask> tasks, MixingOptions options, int[] cappedSizes, double[] rates)
    {
        Tasks = tasks;
        Options = options;
        CappedSizes = cappedSizes;
        Rates = rates;
        DefaultEpochSize = checked(cappedSizes.Sum());
    }

    public IReadOnlyList<MixtureTask> Tasks { get; }
    public MixingOptions Options { get; }

    /// <summary>min(e_m, K) per task, in task order.</summary>
    public IReadOnlyList<int> CappedSizes { get; }

    /// <summary>Each task's share of an epoch, in task order; they sum to 1.</summary>
    public IReadOnlyList<double> Rates { get; }

    /// <summary>Σ min(e_m, K): the epoch size when none is given. Without a cap, proportional mixing then uses every example once.</summary>
    public int DefaultEpochSize { get; }

    /// <exception cref="ArgumentException">No tasks, a task without examples, a bad weight, or repeated names.</exception>
    public static TaskMixture Compute(IReadOnlyList<MixtureTask> tasks, MixingOptions options)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (tasks.Count == 0)
            throw new ArgumentException("A mixture needs at least one task.", nameof(tasks));
        foreach (MixtureTask task in tasks)
        {
            // An empty task would get rate 0 and never be trained on: almost surely a mistake, so say so.
            if (task.ExampleCount < 1)
                throw new ArgumentException($"Task '{task.Name}' has no training examples.", nameof(tasks));
            if (!(task.Weight > 0) || double.IsPositiveInfinity(task.Weight))
                throw new ArgumentException($"Task '{task.Name}' has weight {task.Weight}; a weight must be a finite number greater than 0.", nameof(tasks));
        }
        if (tasks.Select(t => t.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count() != tasks.Count)
            throw new ArgumentException("Task names must be unique (ignoring case).", nameof(tasks));

        int[] capped = tasks.Select(t => Math.Min(t.ExampleCount, options.Cap ?? int.MaxValue)).ToArray();
        double total = capped.Sum(c => (double)c);
        double[] rates = capped.Select(c => c / total).ToArray();
        if (options.Strategy == MixingStrategy.Temperature)
            rates = Normalise(rates.Select(r => Math.Pow(r, 1 / options.Temperature)));
        rates = Normalise(rates.Select((r, m) => r * tasks[m].Weight));
        return new TaskMixture(tasks, options, capped, rates);
    }

    /// <summary>
    /// How many of <paramref name="epochSize"/> examples each task gets: the largest remainder method, so each count
    /// is rate × size rounded down or up (never off by a whole example) and the counts sum to the size exactly. Ties
    /// go to the earlier task. A task whose share is below one example may get none.
    /// </summary>
    public int[] ExampleCounts(int epochSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epochSize, 1);
        // Rounded to 1e-9 so that a rate's last-bit error cannot turn an exact quota (e.g. 80) into 79.999… + 1 lottery.
        double[] quotas = Rates.Select(r => Math.Round(r * epochSize, 9)).ToArray();
        int[] counts = quotas.Select(q => (int)Math.Floor(q)).ToArray();
        int left = epochSize - counts.Sum();
        foreach (int m in Enumerable.Range(0, counts.Length).OrderByDescending(m => quotas[m] - counts[m]).ThenBy(m => m).Take(left))
            counts[m]++;
        return counts;
    }

    private static double[] Normalise(IEnumerable<double> values)
    {
        double[] array = values.ToArray();
        double sum = array.Sum();
        return array.Select(v => v / sum).ToArray();
    }
}
