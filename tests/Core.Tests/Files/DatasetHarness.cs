using System.Text;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Core.Tests.Files;

/// <summary>Runs <see cref="DatasetValidation"/> over bytes in memory, and stores bytes in a temporary file for the readers.</summary>
internal static class DatasetHarness
{
    public static FineTuneValidationResult Validate(string text, DatasetUploadOptions? upload = null, FineTuneValidationOptions? options = null) =>
        Validate(Encoding.UTF8.GetBytes(text), upload, options);

    public static FineTuneValidationResult Validate(byte[] bytes, DatasetUploadOptions? upload = null, FineTuneValidationOptions? options = null) =>
        DatasetValidation.ValidateAsync(new MemoryStream(bytes), upload, options).GetAwaiter().GetResult();

    public static string Messages(FineTuneValidationResult result) => string.Join(" | ", result.Errors.Select(e => e.Message));

    /// <summary>A stored-file row for <paramref name="result"/>, as the upload endpoint makes it.</summary>
    public static StoredFile StoredFile(FineTuneValidationResult result) => new()
    {
        Id = "file-test", Owner = "test", Filename = "test", Purpose = "fine-tune", Sha256 = "", RelativePath = "",
        Format = result.Format?.ToWireName(), Container = result.Container.ToWireName(),
        ReadOptionsJson = result.ReadOptions?.ToJson(), RecordCount = (int)result.RecordCount,
    };

    public static string Fixture(params string[] relative) => Path.Combine([AppContext.BaseDirectory, "fixtures", .. relative]);
}
