using System.Text.Json;
using System.Text.Json.Serialization;

namespace TuningService.Core.FineTuning.Checkpoints;

/// <summary>
/// What a committed checkpoint holds: every file with its size and SHA-256. Written last, inside the folder, before
/// the folder gets its final name, so a checkpoint with a manifest was complete when committed and anything that
/// changed since (a truncated or rewritten file) shows against it.
/// </summary>
public sealed record CheckpointManifest(int Format, int Step, DateTimeOffset Created, IReadOnlyList<CheckpointManifestEntry> Files)
{
    /// <summary>The format this code writes; a manifest of a newer format is refused rather than half understood.</summary>
    public const int CurrentFormat = 1;

    static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A manifest without its file list is damaged, not empty.
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    };

    /// <summary>The manifest's entry for <paramref name="relativePath"/> ('/' separated), or null.</summary>
    public CheckpointManifestEntry? Find(string relativePath) => Files.FirstOrDefault(f => f.Path == relativePath);

    public void WriteTo(Stream stream) => JsonSerializer.Serialize(stream, this, Json);

    /// <exception cref="JsonException">The file is not a manifest.</exception>
    public static CheckpointManifest ReadFrom(Stream stream) =>
        JsonSerializer.Deserialize<CheckpointManifest>(stream, Json) ?? throw new JsonException("The manifest is JSON null.");
}
