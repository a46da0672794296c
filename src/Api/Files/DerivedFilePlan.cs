using TuningService.Core.Files;

namespace TuningService.Api.Files;

/// <summary>A file to be made from another: its id (chosen up front, so reports can name it), name, lineage and records.</summary>
public sealed record DerivedFilePlan(string Id, string Filename, string Derivation, string? SplitName, IEnumerable<DatasetRecord> Records,
    string ReportJson);
