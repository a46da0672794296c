namespace TuningService.Core.Imports;

/// <summary>An import refused for a reason the requester can act on; the message says which and why.</summary>
public sealed class ModelImportException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The archive grew past the size limit while it was extracted.</summary>
    public bool TooLarge { get; init; }

    /// <summary>The name was taken by another model meanwhile.</summary>
    public bool NameTaken { get; init; }
}
