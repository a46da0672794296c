namespace TuningService.Core.Files;

/// <summary>Limits for <see cref="FineTuneFileValidator"/>.</summary>
public sealed record FineTuneValidationOptions
{
    public const int DefaultMaxLineBytes = 4 * 1024 * 1024;
    public const int DefaultMaxErrors = 10;

    /// <summary>
    /// Longest accepted line in bytes, not counting its '\n' (a CRLF line's '\r' counts). This also bounds the
    /// validator's memory: a longer line is reported and skipped without being buffered.
    /// </summary>
    public int MaxLineBytes { get; init; } = DefaultMaxLineBytes;

    /// <summary>How many errors are kept with their messages; all errors are counted.</summary>
    public int MaxErrors { get; init; } = DefaultMaxErrors;
}
