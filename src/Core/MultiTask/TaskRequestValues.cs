namespace TuningService.Core.MultiTask;

/// <summary>One entry of a job request's <c>tasks</c> list as parsed, before validation (nulls where absent).</summary>
public sealed record TaskRequestValues(string? Name, string? TrainingFile, string? ValidationFile = null, double? Weight = null);
