namespace TuningService.Core.Storage;

/// <summary>No object under a key (or none under a folder prefix that had to hold some).</summary>
public sealed class ArtifactNotFoundException(string key, string where)
    : Exception($"No artifact '{key}' in {where}.")
{
    public string Key { get; } = key;
}
