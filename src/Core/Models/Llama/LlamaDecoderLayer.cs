using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>Pre-norm block: h = x + attn(norm(x)); out = h + mlp(norm(h)).</summary>
public sealed class LlamaDecoderLayer : nn.Module<Tensor, LlamaAttentionContext, Tensor>
{
    private readonly LlamaAttention self_attn;
    private readonly LlamaMlp mlp;
    private readonly LlamaRmsNorm input_layernorm;
    private readonly LlamaRmsNorm post_attention_layernorm;

    public LlamaDecoderLayer(LlamaConfig config, int layerIndex) : base(nameof(LlamaDecoderLayer))
    {
        self_attn = new LlamaAttention(config, layerIndex);
        mlp = new LlamaMlp(config);
        input_layernorm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps);
        post_attention_layernorm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps);
        RegisterComponents();
    }

    // Each half in its own scope (IntermediatesFreed): the attention's and the MLP's tensors go as each half returns.
    public override Tensor forward(Tensor x, LlamaAttentionContext context)
    {
        var h = IntermediatesFreed.After(() => x + self_attn.forward(input_layernorm.forward(x), context));
        return IntermediatesFreed.After(() => h + mlp.forward(post_attention_layernorm.forward(h)));
    }
}
