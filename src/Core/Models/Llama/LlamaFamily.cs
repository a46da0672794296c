using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Models.Llama;

/// <summary>Loads HF Llama checkpoints (model_type "llama", LlamaForCausalLM).</summary>
public sealed class LlamaFamily : IModelFamily
{
    public string ModelType => "llama";

    public IReadOnlyList<string> Architectures { get; } = ["LlamaForCausalLM"];

    public PretrainedConfig ParseConfig(JsonObject json) => LlamaConfig.FromJson(json);

    public torch.nn.Module CreateModel(PretrainedConfig config) => new LlamaForCausalLM((LlamaConfig)config);

    public bool IsIgnorableCheckpointKey(string key, PretrainedConfig config) =>
        // Old conversions stored the RoPE frequencies as a buffer; HF recomputes them.
        key.EndsWith("rotary_emb.inv_freq", StringComparison.Ordinal)
        // Some exports write the tied output matrix a second time; the model reuses embed_tokens instead.
        || (key == "lm_head.weight" && ((LlamaConfig)config).TieWordEmbeddings);
}
