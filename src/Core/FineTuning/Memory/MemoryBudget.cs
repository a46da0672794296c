namespace TuningService.Core.FineTuning.Memory;

/// <summary>What a job's memory plan is made against: the model's shape and the worker's memory.</summary>
public sealed record MemoryBudget(ModelShape Shape, long LimitBytes);
