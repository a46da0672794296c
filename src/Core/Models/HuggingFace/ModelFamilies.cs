using System.Text.Json.Nodes;
using TuningService.Core.Models.Decoder;
using TuningService.Core.Models.Gpt2;
using TuningService.Core.Models.Llama;
using TuningService.Core.Models.T5;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>The model families this service can load, chosen by config.json `model_type` (else `architectures`).</summary>
public static class ModelFamilies
{
    private static readonly IModelFamily[] Known = [
        new LlamaFamily(), new Gpt2Family(), new T5Family(),
        new Qwen2Family(), new Qwen3Family(), new MistralFamily(), new Phi3Family(), new Gemma2Family(), new Gemma3TextFamily(),
    ];

    public static IReadOnlyList<IModelFamily> All => Known;

    public static IModelFamily Resolve(JsonObject config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var modelType = ConfigJson.OptionalString(config, "model_type");
        var architecture = ConfigJson.FirstArchitecture(config);
        var family = modelType is not null
            ? Known.FirstOrDefault(f => f.ModelType == modelType)
            : Known.FirstOrDefault(f => architecture is not null && f.Architectures.Contains(architecture));
        if (family is null)
            throw new NotSupportedException(
                $"Unsupported model: model_type '{modelType ?? "(none)"}', architectures '{architecture ?? "(none)"}'. " +
                $"Supported model types: {string.Join(", ", Known.Select(f => f.ModelType))}.");
        if (architecture is not null && !family.Architectures.Contains(architecture))
            throw new NotSupportedException(
                $"Unsupported architecture '{architecture}' for model_type '{family.ModelType}'. " +
                $"Supported: {string.Join(", ", family.Architectures)}.");
        return family;
    }
}
