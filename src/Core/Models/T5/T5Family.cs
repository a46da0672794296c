using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.T5;

/// <summary>Loads HF T5 checkpoints (model_type "t5", T5ForConditionalGeneration): T5 v1.0, v1.1, FLAN-T5.</summary>
public sealed class T5Family : IModelFamily
{
    public string ModelType => "t5";

    public IReadOnlyList<string> Architectures { get; } = ["T5ForConditionalGeneration"];

    public PretrainedConfig ParseConfig(JsonObject json) => T5Config.FromJson(json);

    public torch.nn.Module CreateModel(PretrainedConfig config) => new T5ForConditionalGeneration((T5Config)config);

    public bool IsIgnorableCheckpointKey(string key, PretrainedConfig config) =>
        // Older saves write the shared embedding again under each stack's name (HF _tied_weights_keys).
        key is "encoder.embed_tokens.weight" or "decoder.embed_tokens.weight"
        || (key == "lm_head.weight" && ((T5Config)config).TieWordEmbeddings)
        // Old checkpoints gave the first cross-attention a relative bias that HF never uses
        // (_keys_to_ignore_on_load_unexpected).
        || key == "decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight";
}
