using System.Text.Json.Nodes;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// A process's output written with .NET's JSON console formatter (Logging:Console:FormatterName=json): every line
/// one JSON object, its scopes included. Fails when a line is not JSON.
/// </summary>
sealed class JsonLogLines
{
    public IReadOnlyList<(string Raw, JsonObject Json)> Lines { get; }

    public JsonLogLines(string output)
    {
        var lines = new List<(string, JsonObject)>();
        foreach (var raw in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            JsonNode? parsed = null;
            try { parsed = JsonNode.Parse(raw); }
            catch (System.Text.Json.JsonException) { }
            Assert.True(parsed is JsonObject, $"not a JSON log line: {raw}");
            lines.Add((raw, (JsonObject)parsed!));
        }
        Lines = lines;
    }

    /// <summary>The value of <paramref name="property"/> in the line's scopes (the innermost that has it), or null.</summary>
    public static string? Scope(JsonObject line, string property) =>
        (line["Scopes"] as JsonArray)?.OfType<JsonObject>().Reverse().Select(s => s[property]?.ToString()).FirstOrDefault(v => v is not null);

    public static string Category(JsonObject line) => line["Category"]!.GetValue<string>();

    public static string Message(JsonObject line) => line["Message"]?.GetValue<string>() ?? "";
}
