using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.MultiTask;

/// <summary>
/// Splits one file's examples into tasks by their <see cref="TrainingExample.Task"/> field. Records without a task
/// (absent, null, empty or blank) go to a default task: named after the file (<see cref="DefaultTaskName"/>) or
/// "default" when no file name is given.
/// </summary>
public static class TaskGrouping
{
    public const string FallbackTaskName = "default";

    /// <summary>
    /// Groups in order of each task's first record; records keep their file order within a task. A record whose
    /// task equals the default task's name joins that task.
    /// </summary>
    /// <param name="defaultTaskName">The name for records without a task; default <see cref="FallbackTaskName"/>.</param>
    /// <exception cref="InvalidDataException">A record's task is not a valid task name (<see cref="MultiTaskRequestRules.CheckTaskName"/>),
    /// or two tasks differ only in case.</exception>
    public static IReadOnlyList<TaskExamples<TrainingExample>> ByTask(IReadOnlyList<TrainingExample> examples, string? defaultTaskName = null)
    {
        ArgumentNullException.ThrowIfNull(examples);
        string fallback = defaultTaskName ?? FallbackTaskName;
        if (MultiTaskRequestRules.CheckTaskName(fallback, nameof(defaultTaskName)) is { } invalid)
            throw new ArgumentException(invalid.Message, nameof(defaultTaskName));
        var groups = new Dictionary<string, List<TrainingExample>>(StringComparer.Ordinal);
        var order = new List<string>();
        for (int i = 0; i < examples.Count; i++)
        {
            string task = string.IsNullOrWhiteSpace(examples[i].Task) ? fallback : examples[i].Task!;
            if (!groups.TryGetValue(task, out var list))
            {
                if (MultiTaskRequestRules.CheckTaskName(task, "task") is { } error)
                    throw new InvalidDataException($"Record {i + 1}: {error.Message}");
                if (order.FirstOrDefault(t => string.Equals(t, task, StringComparison.OrdinalIgnoreCase)) is { } other)
                    throw new InvalidDataException($"Record {i + 1}: task '{task}' differs from task '{other}' only in case; task names are compared ignoring case.");
                groups[task] = list = [];
                order.Add(task);
            }
            list.Add(examples[i]);
        }
        return order.Select(t => new TaskExamples<TrainingExample>(t, groups[t])).ToList();
    }

    /// <summary>
    /// A valid task name from a file name: its name without the extension, with characters outside [A-Za-z0-9_.-]
    /// replaced by '_', cut to 64 characters; "default" when nothing usable remains (e.g. no file name, or one that
    /// does not start with a letter or digit once cleaned). "qa train (v2).jsonl" gives "qa_train__v2_".
    /// </summary>
    public static string DefaultTaskName(string? fileName)
    {
        string stem = Path.GetFileNameWithoutExtension(fileName ?? "");
        var cleaned = new StringBuilder(stem.Length);
        foreach (char c in stem)
            cleaned.Append(MultiTaskRequestRules.IsTaskNameCharacter(c) ? c : '_');
        string name = cleaned.ToString(0, Math.Min(cleaned.Length, MultiTaskRequestRules.MaxTaskNameLength));
        return MultiTaskRequestRules.CheckTaskName(name, "name") is null ? name : FallbackTaskName;
    }
}
