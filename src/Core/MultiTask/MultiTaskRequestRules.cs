using System.Globalization;

namespace TuningService.Core.MultiTask;

/// <summary>
/// The rules for a job's <c>tasks</c> and <c>mixing</c>, as pure functions returning the first problem (null when
/// fine) with a message that names the offending field, e.g. "tasks[1].weight must be greater than 0, got -1.".
/// The HTTP layer parses JSON into <see cref="TaskRequestValues"/> / <see cref="MixingRequestValues"/> and turns
/// an error into a 400.
/// </summary>
public static class MultiTaskRequestRules
{
    public const int MaxTaskNameLength = 64;

    /// <summary>Characters allowed in a task name: ASCII letters, digits, '_', '.' and '-' (safe in metric keys and file names).</summary>
    public static bool IsTaskNameCharacter(char c) =>
        c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-';

    /// <summary>
    /// 1–64 characters from [A-Za-z0-9_.-], starting with a letter or digit. The first-character rule is ours: it
    /// keeps names like "." and ".." (path-like) and "-x" (option-like) out.
    /// </summary>
    public static MultiTaskValidationError? CheckTaskName(string? name, string param)
    {
        if (string.IsNullOrEmpty(name))
            return new(param, $"{param} is required and must not be empty.");
        if (name.Length > MaxTaskNameLength)
            return new(param, $"{param} must be at most {MaxTaskNameLength} characters, got {name.Length}.");
        if (!name.All(IsTaskNameCharacter))
            return new(param, $"{param} may contain only letters, digits, '_', '.' and '-', got \"{Shorten(name)}\".");
        if (!char.IsAsciiLetterOrDigit(name[0]))
            return new(param, $"{param} must start with a letter or digit, got \"{name}\".");
        return null;
    }

    /// <summary>Absent (weight 1) or a finite number greater than 0.</summary>
    public static MultiTaskValidationError? CheckWeight(double? weight, string param) =>
        weight is { } w && !(w > 0 && double.IsFinite(w))
            ? new(param, $"{param} must be greater than 0, got {Format(w)}.")
            : null;

    /// <summary>At least one task; each with a valid name (unique ignoring case), a training_file, and a valid weight.</summary>
    public static MultiTaskValidationError? CheckTasks(IReadOnlyList<TaskRequestValues>? tasks, string param = "tasks")
    {
        if (tasks is null || tasks.Count == 0)
            return new(param, $"{param} must list at least one task.");
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < tasks.Count; i++)
        {
            string at = $"{param}[{i}]";
            TaskRequestValues task = tasks[i];
            if (task is null)
                return new(at, $"{at} must be an object with name and training_file.");
            if (CheckTaskName(task.Name, $"{at}.name") is { } nameError)
                return nameError;
            if (seen.TryGetValue(task.Name!, out int first))
                return new($"{at}.name", $"{at}.name \"{task.Name}\" repeats {param}[{first}].name; task names must be unique (ignoring case).");
            seen[task.Name!] = i;
            if (string.IsNullOrWhiteSpace(task.TrainingFile))
                return new($"{at}.training_file", $"{at}.training_file is required.");
            if (task.ValidationFile is { } validation && string.IsNullOrWhiteSpace(validation))
                return new($"{at}.validation_file", $"{at}.validation_file must not be empty; leave it out for no validation.");
            if (CheckWeight(task.Weight, $"{at}.weight") is { } weightError)
                return weightError;
        }
        return null;
    }

    /// <summary>
    /// strategy: "proportional" (default) or "temperature"; cap: an integer ≥ 1; temperature: a number ≥ 1 (T5 uses
    /// T ≥ 1; below 1 would favour large tasks beyond proportional), required by and only meaningful for
    /// "temperature" (1 is accepted with either, as it changes nothing).
    /// </summary>
    public static MultiTaskValidationError? CheckMixing(MixingRequestValues? mixing, string param = "mixing")
    {
        if (mixing is null)
            return null;
        MixingStrategy strategy = MixingStrategy.Proportional;
        if (mixing.Strategy is not null && !MixingStrategyNames.TryParse(mixing.Strategy, out strategy))
            return new($"{param}.strategy",
                $"{param}.strategy must be one of {string.Join(", ", MixingStrategyNames.All.Select(n => $"\"{n}\""))}, got \"{Shorten(mixing.Strategy)}\".");
        if (mixing.Cap is { } cap && !(cap >= 1 && cap <= int.MaxValue && cap == Math.Floor(cap)))
            return new($"{param}.cap", $"{param}.cap must be an integer of at least 1, got {Format(cap)}.");
        if (mixing.Temperature is { } t && !(t >= 1 && double.IsFinite(t)))
            return new($"{param}.temperature", $"{param}.temperature must be a number of at least 1, got {Format(t)}.");
        if (strategy == MixingStrategy.Temperature && mixing.Temperature is null)
            return new($"{param}.temperature", $"{param}.temperature is required when {param}.strategy is \"{MixingStrategyNames.Temperature}\".");
        if (strategy == MixingStrategy.Proportional && mixing.Temperature is { } unused && unused != 1)
            return new($"{param}.temperature", $"{param}.temperature applies only when {param}.strategy is \"{MixingStrategyNames.Temperature}\".");
        return null;
    }

    /// <summary>The options a valid <c>mixing</c> asks for (<see cref="MixingOptions.Default"/> when absent).</summary>
    /// <exception cref="ArgumentException">The values break a rule of <see cref="CheckMixing"/>.</exception>
    public static MixingOptions ToOptions(MixingRequestValues? mixing)
    {
        if (CheckMixing(mixing) is { } error)
            throw new ArgumentException(error.Message, nameof(mixing));
        if (mixing is null)
            return MixingOptions.Default;
        MixingStrategyNames.TryParse(mixing.Strategy ?? MixingStrategyNames.Proportional, out MixingStrategy strategy);
        return new MixingOptions(strategy, mixing.Cap is { } cap ? (int)cap : null, mixing.Temperature ?? 1.0);
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    // Values echoed back come from the request; keep messages readable whatever they hold.
    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "...");
}
