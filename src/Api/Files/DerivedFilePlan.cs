namespace TuningService.Api.Files;

/// <summary>A file to be made from another: its id (chosen up front, so reports can name it), name and lineage.</summary>
public sealed record DerivedFilePlan(string Id, string Filename, string Derivation, string? SplitName);
