namespace TuningService.Core.Files;

/// <summary>
/// One problem in an uploaded file. <paramref name="Message"/> is complete and meant for a person, starting with
/// its location (e.g. "line 3: key 'completion' must be a string, got number"); <paramref name="Line"/> is the
/// 1-based line number, or null when the problem concerns the whole file (e.g. it has no records).
/// </summary>
public sealed record FileValidationError(long? Line, string Message)
{
    public override string ToString() => Message;
}
