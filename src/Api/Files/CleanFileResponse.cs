using System.Text.Json;

namespace TuningService.Api.Files;

/// <summary>The cleaned file and the report of what cleaning did (also at GET /v1/files/{id}/report).</summary>
public sealed record CleanFileResponse(FileResponse File, JsonElement Report);
