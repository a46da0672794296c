using System.Text.Json.Nodes;

namespace TuningService.Core.Models;

/// <summary>
/// A Hugging Face model configuration (config.json). Each family parses the keys it needs into typed properties;
/// the parsed JSON itself is kept so that saving writes back exactly what was read (including keys this code
/// does not understand, such as `initializer_range` or `torch_dtype`).
/// </summary>
public abstract record PretrainedConfig
{
    protected PretrainedConfig(JsonObject json) => Json = json;

    /// <summary>config.json as read. Treat as read-only: the typed properties were parsed from it once.</summary>
    public JsonObject Json { get; }

    /// <summary>config.json `model_type`, e.g. "llama".</summary>
    public abstract string ModelType { get; }

    /// <summary>The longest sequence the model was trained for.</summary>
    public abstract int MaxPositionEmbeddings { get; }
}
