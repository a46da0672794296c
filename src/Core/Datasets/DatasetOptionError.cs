namespace TuningService.Core.Datasets;

/// <summary>A rejected option of a cleaning or splitting request: <paramref name="Param"/> names it for the API's error.</summary>
public sealed record DatasetOptionError(string Param, string Message);
