using System.Globalization;
using System.Text.Json;

namespace TuningService.Core.Tokenization;

/// <summary>How Hugging Face config files spell tokens, token lists and ids.</summary>
internal static class HuggingFaceConfigValues
{
    public static JsonElement? Property(JsonElement? obj, string name) =>
        obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var value) ? value : null;

    /// <summary>A token is a string or an AddedToken object with "content"; special_tokens_map.json wins.</summary>
    public static ConfiguredToken Token(JsonElement? specialTokensMap, JsonElement? tokenizerConfig, string name)
    {
        var value = Property(specialTokensMap, name) ?? Property(tokenizerConfig, name);
        return value switch
        {
            null => ConfiguredToken.NotSet,
            { ValueKind: JsonValueKind.Null } => new ConfiguredToken(true, null),
            { ValueKind: JsonValueKind.String } s => new ConfiguredToken(true, s.GetString()),
            { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                => new ConfiguredToken(true, content.GetString()),
            _ => ConfiguredToken.NotSet,
        };
    }

    /// <summary>A list of tokens, each a string or an AddedToken object with "content"; special_tokens_map.json wins.</summary>
    public static string[] TokenList(JsonElement? specialTokensMap, JsonElement? tokenizerConfig, string name) =>
        (Property(specialTokensMap, name) ?? Property(tokenizerConfig, name)) is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray()
                .Select(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("content", out var content) ? content : item)
                .Where(item => item.ValueKind == JsonValueKind.String)
                .Select(item => item.GetString()!)
                .ToArray()
            : [];

    /// <summary>added_tokens_decoder: {"50256": {"content": "&lt;|endoftext|&gt;", "special": true, ...}}.</summary>
    public static AddedToken[] AddedTokens(JsonElement? decoder)
    {
        if (decoder is not { ValueKind: JsonValueKind.Object } entries)
        {
            return [];
        }

        var tokens = new List<AddedToken>();
        foreach (var entry in entries.EnumerateObject())
        {
            if (int.TryParse(entry.Name, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
                && Property(entry.Value, "content") is { ValueKind: JsonValueKind.String } content)
            {
                tokens.Add(new AddedToken(id, content.GetString()!, Property(entry.Value, "special") is { ValueKind: JsonValueKind.True }));
            }
        }

        return [.. tokens];
    }

    /// <summary>An int, or the first of a list (Llama 3 lists several eos ids); null when absent or null.</summary>
    public static int? TokenId(JsonElement? modelConfig, string name) =>
        Property(modelConfig, name) switch
        {
            { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var id) => id,
            { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() > 0 && a[0].TryGetInt32(out var first) => first,
            _ => null,
        };
}
