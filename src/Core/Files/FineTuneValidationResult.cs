namespace TuningService.Core.Files;

/// <summary>The outcome of validating a dataset file.</summary>
/// <param name="Format">The file's record format: the one asked for, else that of its first valid record; null when
/// no record was valid. CSV/TSV files are <see cref="FineTuneFormat.PromptCompletion"/>.</param>
/// <param name="RecordCount">Number of valid records.</param>
/// <param name="Errors">The first <see cref="FineTuneValidationOptions.MaxErrors"/> errors, in file order.</param>
/// <param name="ErrorCount">Number of errors found, including those not kept in <paramref name="Errors"/>.</param>
public sealed record FineTuneValidationResult(
    FineTuneFormat? Format,
    long RecordCount,
    IReadOnlyList<FileValidationError> Errors,
    long ErrorCount)
{
    public bool IsValid => ErrorCount == 0;

    /// <summary>How the file lays out its records (detected, or as asked).</summary>
    public DatasetContainer Container { get; init; } = DatasetContainer.Jsonl;

    /// <summary>For CSV/TSV: the options the rows were read with, to be stored with the file; null otherwise.</summary>
    public CsvReadOptions? ReadOptions { get; init; }
}
