namespace TuningService.Core.Imports.Hub;

/// <summary>A file of a Hub repository, with what the listing says about it (size; sha256 for LFS files), when it says.</summary>
public sealed record HubFile(string Name, long? Size, string? Sha256);
