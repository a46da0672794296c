namespace TuningService.Core.Files;

/// <summary>What <see cref="FineTuneUpload.CopyAndValidateAsync"/> learned in its one pass over an upload.</summary>
/// <param name="Bytes">Number of bytes copied.</param>
/// <param name="Sha256">SHA-256 of the copied bytes, lowercase hex.</param>
/// <param name="Validation">The validator's result.</param>
public sealed record FineTuneUploadResult(long Bytes, string Sha256, FineTuneValidationResult Validation);
