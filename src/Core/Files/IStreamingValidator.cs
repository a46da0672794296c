namespace TuningService.Core.Files;

/// <summary>A validator fed a file's bytes in chunks (JSON Lines, JSON arrays).</summary>
internal interface IStreamingValidator
{
    void Feed(ReadOnlySpan<byte> chunk);

    FineTuneValidationResult Complete();
}
