using System.Text;
using TuningService.Core.Files;

namespace TuningService.Core.Tests.Files;

/// <summary>Feeds text or bytes to a <see cref="FineTuneFileValidator"/> in chunks of a chosen size.</summary>
internal static class ValidatorHarness
{
    public static FineTuneValidationResult Validate(string text, FineTuneValidationOptions? options = null, int chunkBytes = int.MaxValue) =>
        Validate(Encoding.UTF8.GetBytes(text), options, chunkBytes);

    public static FineTuneValidationResult Validate(byte[] bytes, FineTuneValidationOptions? options = null, int chunkBytes = int.MaxValue)
    {
        var validator = new FineTuneFileValidator(options);
        for (int offset = 0; offset < bytes.Length; offset += chunkBytes)
            validator.Feed(bytes.AsSpan(offset, Math.Min(chunkBytes, bytes.Length - offset)));
        return validator.Complete();
    }

    /// <summary>The single error of a result, after checking that there is exactly one.</summary>
    public static FileValidationError SingleError(FineTuneValidationResult result)
    {
        Assert.Equal(1, result.ErrorCount);
        return Assert.Single(result.Errors);
    }
}
