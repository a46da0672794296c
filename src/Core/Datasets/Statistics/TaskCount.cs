namespace TuningService.Core.Datasets.Statistics;

/// <summary>
/// The records of one task and the tokens they train on. Records without a `task` are counted under the name a job
/// gives them (the file's default task name), so these names are the ones per-task metrics will use.
/// </summary>
public sealed record TaskCount(string Task, int Records, long TrainingTokens);
