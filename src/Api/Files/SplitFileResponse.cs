using System.Text.Json;

namespace TuningService.Api.Files;

/// <summary>The files a split made, with the seed used (to repeat it), what was stratified, how many duplicates were
/// left out of every part, and the full report (also stored with each part: GET /v1/files/{id}/report).</summary>
public sealed record SplitFileResponse(string ParentFileId, int Seed, string StratifiedBy, int DuplicatesSetAside,
    IReadOnlyList<SplitPartResponse> Splits, JsonElement Report)
{
    public string Object => "file.split";
}
