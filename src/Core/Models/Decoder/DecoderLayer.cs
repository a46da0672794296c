using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// One decoder block. Llama layout: h = x + attn(input_layernorm(x)); out = h + mlp(post_attention_layernorm(h)).
/// Gemma layout (<see cref="DecoderConfig.SandwichNorms"/>, modeling_gemma2.py 353-400): the attention output is
/// normalised by post_attention_layernorm before the residual add, and the MLP sits between
/// pre_feedforward_layernorm and post_feedforward_layernorm.
/// </summary>
public sealed class DecoderLayer : nn.Module<Tensor, DecoderAttentionContext, Tensor>
{
    private readonly DecoderAttention self_attn;
    private readonly DecoderMlp mlp;
    private readonly nn.Module<Tensor, Tensor> input_layernorm;
    private readonly nn.Module<Tensor, Tensor> post_attention_layernorm;
    private readonly nn.Module<Tensor, Tensor>? pre_feedforward_layernorm;
    private readonly nn.Module<Tensor, Tensor>? post_feedforward_layernorm;

    public DecoderLayer(DecoderConfig config, int layerIndex) : base(nameof(DecoderLayer))
    {
        self_attn = new DecoderAttention(config, layerIndex);
        mlp = new DecoderMlp(config);
        input_layernorm = RmsNorms.Create(config.HiddenSize, config);
        post_attention_layernorm = RmsNorms.Create(config.HiddenSize, config);
        if (config.SandwichNorms)
        {
            pre_feedforward_layernorm = RmsNorms.Create(config.HiddenSize, config);
            post_feedforward_layernorm = RmsNorms.Create(config.HiddenSize, config);
        }
        RegisterComponents();
    }

    // Each half in its own scope (IntermediatesFreed): the attention's and the MLP's tensors go as each half returns.
    public override Tensor forward(Tensor x, DecoderAttentionContext context)
    {
        if (pre_feedforward_layernorm is null || post_feedforward_layernorm is null)
        {
            var h = IntermediatesFreed.After(() => x + self_attn.forward(input_layernorm.forward(x), context));
            return IntermediatesFreed.After(() => h + mlp.forward(post_attention_layernorm.forward(h)));
        }
        var attended = IntermediatesFreed.After(() => x + post_attention_layernorm.forward(self_attn.forward(input_layernorm.forward(x), context)));
        return IntermediatesFreed.After(() => attended + post_feedforward_layernorm.forward(mlp.forward(pre_feedforward_layernorm.forward(attended))));
    }
}
