using System.Security.Cryptography;

namespace TuningService.Core.Files;

/// <summary>Copies an upload to its destination while validating and hashing it, in one pass.</summary>
public static class FineTuneUpload
{
    /// <summary>As the other overload, detecting the layout (<c>format=auto</c>) without a file name.</summary>
    public static Task<FineTuneUploadResult> CopyAndValidateAsync(
        Stream source, Stream destination, FineTuneValidationOptions? options = null, CancellationToken cancellationToken = default) =>
        CopyAndValidateAsync(source, destination, new DatasetUploadOptions(), options, cancellationToken);

    /// <summary>
    /// Reads <paramref name="source"/> to its end, writing every byte to <paramref name="destination"/> and into a
    /// SHA-256 hash while <see cref="DatasetValidation"/> checks it. The file is copied whether or not it is valid;
    /// the caller decides what to keep. <paramref name="destination"/> is flushed, not disposed.
    /// </summary>
    public static async Task<FineTuneUploadResult> CopyAndValidateAsync(Stream source, Stream destination, DatasetUploadOptions upload,
        FineTuneValidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(upload);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var copy = new CopyingStream(source, destination, hash);
        var validation = await DatasetValidation.ValidateAsync(copy, upload, options, cancellationToken);
        await destination.FlushAsync(cancellationToken);
        return new FineTuneUploadResult(copy.BytesCopied, Convert.ToHexStringLower(hash.GetHashAndReset()), validation);
    }
}
