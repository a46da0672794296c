using System.Buffers;

namespace TuningService.Core.Files;

/// <summary>
/// Validates a dataset file of any accepted layout as it is read from a stream, in one pass and bounded memory:
/// detects the container (see <see cref="DatasetFormatDetector"/>), then hands the bytes to the validator for it.
/// </summary>
public static class DatasetValidation
{
    /// <summary>
    /// The most bytes read (and so copied, hashed and fed to a validator) at a time. Large, because every read costs
    /// a fixed overhead on each of those steps (a write system call, an async hop through the streams); a few such
    /// buffers per upload keep its memory flat in the file's size all the same.
    /// </summary>
    public const int ChunkBytes = 1024 * 1024;
    private static ReadOnlySpan<byte> Utf16LittleEndianBom => [0xFF, 0xFE];
    private static ReadOnlySpan<byte> Utf16BigEndianBom => [0xFE, 0xFF];

    /// <summary>
    /// Reads <paramref name="input"/> to its end (also after a validator has stopped early, so that whoever copies
    /// or counts the bytes sees them all) and returns what validation found, with the container and read options.
    /// </summary>
    public static async Task<FineTuneValidationResult> ValidateAsync(Stream input, DatasetUploadOptions? upload = null,
        FineTuneValidationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        upload ??= new DatasetUploadOptions();
        options ??= new FineTuneValidationOptions();
        byte[] prefix = await ReadPrefixAsync(input, cancellationToken);
        var container = DatasetFormatDetector.Detect(prefix, upload);
        var rest = new PrefixedStream(prefix, input);

        FineTuneValidationResult result;
        if (prefix.AsSpan().StartsWith(Utf16LittleEndianBom) || prefix.AsSpan().StartsWith(Utf16BigEndianBom))
            result = FileError(container, 1, "line 1: " + ValidationMessages.Utf16);
        else if (upload.Csv is not null && !container.IsDelimited())
            result = FileError(container, null, "prompt_template, completion_template, label_map, task_column and id_column are for " +
                $"CSV/TSV files, but this file is {container.Describe()}; leave them out");
        else
            result = container switch
            {
                DatasetContainer.Jsonl => await FeedAsync(new FineTuneFileValidator(options, upload.Format), rest, cancellationToken),
                DatasetContainer.Json => await FeedAsync(new JsonArrayFileValidator(options, upload.Format), rest, cancellationToken),
                _ => await CsvFileValidator.ValidateAsync(rest, container, upload.Csv ?? new CsvReadOptions(), options, cancellationToken),
            };
        await DrainAsync(rest, cancellationToken);
        return result;
    }

    private static FineTuneValidationResult FileError(DatasetContainer container, long? position, string message) =>
        new(null, 0, [new FileValidationError(position, message)], 1) { Container = container };

    private static async Task<byte[]> ReadPrefixAsync(Stream input, CancellationToken cancellationToken)
    {
        var prefix = new MemoryStream();
        byte[] buffer = new byte[4096];
        while (!DatasetFormatDetector.IsEnough(prefix.GetBuffer().AsSpan(0, (int)prefix.Length)))
        {
            int read = await input.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                break;
            prefix.Write(buffer, 0, read);
        }
        return prefix.ToArray();
    }

    private static async Task<FineTuneValidationResult> FeedAsync(IStreamingValidator validator, Stream input, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await input.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
                validator.Feed(buffer.AsSpan(0, read));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return validator.Complete();
    }

    private static async Task DrainAsync(Stream input, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            while (await input.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken) > 0) { }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
