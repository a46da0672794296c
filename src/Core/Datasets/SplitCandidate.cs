namespace TuningService.Core.Datasets;

/// <summary>
/// What <see cref="SplitPlanner"/> keeps of one distinct example: its index and, as ordinals into the planner's own
/// small tables, its task, its label within that task and its label within the whole file (-1: not a label). 16 bytes.
/// </summary>
internal readonly record struct SplitCandidate(int Index, int Task, int TaskLabel, int Label);
