using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TuningService.Core.Datasets;

/// <summary>How cleaning and splitting reports are stored: the API's wire shape (snake_case, enums as names), so
/// the stored JSON can be returned as it is.</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        // Reports quote user text; keep it readable rather than \u-escaped. It is served as JSON, never inlined in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize<T>(T report) => JsonSerializer.Serialize(report, Options);
}
