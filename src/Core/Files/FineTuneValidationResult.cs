namespace TuningService.Core.Files;

/// <summary>The outcome of validating a fine-tune file.</summary>
/// <param name="Format">The file's format, decided by its first valid record; null when no record was valid.</param>
/// <param name="RecordCount">Number of valid records.</param>
/// <param name="Errors">The first <see cref="FineTuneValidationOptions.MaxErrors"/> errors, in line order.</param>
/// <param name="ErrorCount">Number of errors found, including those not kept in <paramref name="Errors"/>.</param>
public sealed record FineTuneValidationResult(
    FineTuneFormat? Format,
    long RecordCount,
    IReadOnlyList<FileValidationError> Errors,
    long ErrorCount)
{
    public bool IsValid => ErrorCount == 0;
}
