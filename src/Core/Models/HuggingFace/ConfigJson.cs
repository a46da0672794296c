using System.Text.Json.Nodes;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>Typed reads from a config.json object, with errors that name the key.</summary>
internal static class ConfigJson
{
    public static bool IsAbsentOrNull(JsonObject json, string key) =>
        !json.TryGetPropertyValue(key, out var node) || node is null;

    public static int RequiredInt(JsonObject json, string key) =>
        OptionalInt(json, key) ?? throw new InvalidDataException($"config.json: required key '{key}' is missing.");

    public static int? OptionalInt(JsonObject json, string key) =>
        IsAbsentOrNull(json, key) ? null : As<int>(json[key], key, "an integer");

    public static double? OptionalDouble(JsonObject json, string key) =>
        IsAbsentOrNull(json, key) ? null : As<double>(json[key], key, "a number");

    public static bool? OptionalBool(JsonObject json, string key) =>
        IsAbsentOrNull(json, key) ? null : As<bool>(json[key], key, "true or false");

    public static string? OptionalString(JsonObject json, string key) =>
        IsAbsentOrNull(json, key) ? null : As<string>(json[key], key, "a string");

    /// <summary>Keys like `eos_token_id` hold one id or a list of ids (Llama 3); absent or null gives none.</summary>
    public static IReadOnlyList<int> IntOrIntList(JsonObject json, string key)
    {
        if (IsAbsentOrNull(json, key)) return [];
        if (json[key] is JsonArray array)
            return array.Select((node, i) => As<int>(node, $"{key}[{i}]", "an integer")).ToArray();
        return [RequiredInt(json, key)];
    }

    /// <summary>The first entry of config.json `architectures`, if any.</summary>
    public static string? FirstArchitecture(JsonObject json) =>
        json["architectures"] is JsonArray { Count: > 0 } array ? As<string>(array[0], "architectures[0]", "a string") : null;

    private static T As<T>(JsonNode? node, string key, string expected) =>
        node is JsonValue value && value.TryGetValue<T>(out var result) && result is not null
            ? result
            : throw new InvalidDataException(
                $"config.json: '{key}' must be {expected}, got {node?.ToJsonString() ?? "null"}.");
}
