namespace TuningService.Core.Files;

/// <summary>
/// One problem in an uploaded file. <paramref name="Message"/> is complete and meant for a person, starting with
/// its location (e.g. "line 3: key 'completion' must be a string, got number", "element 12 (line 85): ...",
/// "row 7: ..."); <paramref name="Position"/> is that 1-based line, element or row number, or null when the problem
/// concerns the whole file (e.g. it has no records).
/// </summary>
public sealed record FileValidationError(long? Position, string Message)
{
    public override string ToString() => Message;
}
