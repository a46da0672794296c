namespace TuningService.Core.MultiTask;

/// <summary>A rejected request value: <paramref name="Param"/> is its path (e.g. "tasks[1].weight"), for the API's error's <c>param</c>.</summary>
public sealed record MultiTaskValidationError(string Param, string Message);
