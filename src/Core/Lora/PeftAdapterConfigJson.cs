using System.Text.Json;
using System.Text.Json.Nodes;

namespace TuningService.Core.Lora;

/// <summary>
/// adapter_config.json as PEFT's LoraConfig.save_pretrained writes it (keys sorted, two-space indent). Reading
/// accepts what this service can apply and refuses, by name, the options it cannot (DoRA, per-layer ranks, trained
/// biases, extra full modules), rather than silently loading a different model.
/// </summary>
internal static class PeftAdapterConfigJson
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string path, LoraConfig config, IReadOnlyList<string> targetModules, bool fanInFanOut,
        string baseModelName, string taskType)
    {
        var json = new JsonObject
        {
            ["alpha_pattern"] = new JsonObject(),
            ["base_model_name_or_path"] = baseModelName,
            ["bias"] = "none",
            ["fan_in_fan_out"] = fanInFanOut,
            ["inference_mode"] = true,
            ["init_lora_weights"] = true,
            ["layers_pattern"] = null,
            ["layers_to_transform"] = null,
            // PEFT types lora_alpha as an int; a whole number is written as one.
            ["lora_alpha"] = config.Alpha == Math.Floor(config.Alpha) ? JsonValue.Create((long)config.Alpha) : JsonValue.Create(config.Alpha),
            ["lora_dropout"] = config.Dropout,
            ["modules_to_save"] = null,
            ["peft_type"] = "LORA",
            ["r"] = config.R,
            ["rank_pattern"] = new JsonObject(),
            ["revision"] = null,
            ["target_modules"] = new JsonArray(targetModules.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
            ["task_type"] = taskType,
            ["use_dora"] = false,
            ["use_rslora"] = config.UseRslora,
        };
        File.WriteAllText(path, json.ToJsonString(Indented) + "\n");
    }

    public static (LoraConfig Config, string? TaskType, string? BaseModelNameOrPath) Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"No {PeftAdapterFormat.ConfigFile} at '{path}'.", path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"'{path}' does not hold a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
        RefuseUnsupported(json, path);
        var config = new LoraConfig
        {
            R = Get<int>(json, "r", path) ?? 8,
            Alpha = Get<double>(json, "lora_alpha", path) ?? 8,
            Dropout = Get<double>(json, "lora_dropout", path) ?? 0,
            TargetModules = TargetModules(json, path),
            UseRslora = Get<bool>(json, "use_rslora", path) ?? false,
        };
        config.Validate();
        return (config, GetString(json, "task_type", path), GetString(json, "base_model_name_or_path", path));
    }

    private static void RefuseUnsupported(JsonObject json, string path)
    {
        var peftType = GetString(json, "peft_type", path);
        if (peftType != "LORA")
            throw new NotSupportedException($"'{path}': peft_type '{peftType ?? "(none)"}' is not supported; only LORA adapters are.");
        if (Get<bool>(json, "use_dora", path) == true)
            throw new NotSupportedException($"'{path}': DoRA adapters (use_dora) are not supported.");
        var bias = GetString(json, "bias", path) ?? "none";
        if (bias != "none")
            throw new NotSupportedException($"'{path}': bias '{bias}' (trained biases) is not supported; only \"none\" is.");
        foreach (var key in new[] { "rank_pattern", "alpha_pattern" })
            if (json[key] is JsonObject { Count: > 0 })
                throw new NotSupportedException($"'{path}': per-module ranks or alphas ({key}) are not supported.");
        if (json["modules_to_save"] is JsonArray { Count: > 0 })
            throw new NotSupportedException($"'{path}': modules_to_save (fully trained extra modules) is not supported.");
    }

    /// <summary>A list, or PEFT's string form: "all-linear" is kept; a regular expression is not supported.</summary>
    private static IReadOnlyList<string>? TargetModules(JsonObject json, string path) => json["target_modules"] switch
    {
        null => null,
        JsonArray array => array.Select(node => node is JsonValue value && value.TryGetValue<string>(out var name)
            ? name
            : throw new InvalidDataException($"'{path}': target_modules must hold strings.")).ToList(),
        JsonValue value when value.TryGetValue<string>(out var single) && single == LoraConfig.AllLinear => [LoraConfig.AllLinear],
        var other => throw new NotSupportedException($"'{path}': target_modules {other.ToJsonString()} (a regular expression) is not supported; list the module names."),
    };

    private static T? Get<T>(JsonObject json, string key, string path) where T : struct =>
        json[key] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<T>(out var result) => result,
            var other => throw new InvalidDataException($"'{path}': '{key}' must be a {typeof(T).Name}, got {other.ToJsonString()}."),
        };

    private static string? GetString(JsonObject json, string key, string path) =>
        json[key] switch
        {
            null => null,
            JsonValue value when value.TryGetValue<string>(out var result) => result,
            var other => throw new InvalidDataException($"'{path}': '{key}' must be a string, got {other.ToJsonString()}."),
        };
}
