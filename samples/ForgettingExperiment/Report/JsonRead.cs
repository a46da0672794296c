using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TuningService.Samples.ForgettingExperiment.Report;

/// <summary>Tolerant reads from the service's JSON: a missing or non-numeric value is null, not an exception.</summary>
public static class JsonRead
{
    /// <summary>A number; the evaluation writes NaN as the string "NaN", which reads as null (no value).</summary>
    public static double? Number(JsonNode? node)
    {
        if (node is not JsonValue value) return null;
        return value.GetValueKind() switch
        {
            JsonValueKind.Number => value.GetValue<double>() is var x && double.IsFinite(x) ? x : null,
            JsonValueKind.String => double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.IsFinite(x) ? x : null,
            _ => null,
        };
    }

    public static long? Integer(JsonNode? node) => Number(node) is { } x ? (long)x : null;

    public static string? Text(JsonNode? node) => node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    public static IEnumerable<JsonNode> Items(JsonNode? node) => node is JsonArray array ? array.OfType<JsonNode>() : [];
}
