using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>HF `LlamaModel` (the `model.` prefix): embeddings, decoder layers, final norm. Returns hidden states.</summary>
public sealed class LlamaModel : nn.Module<Tensor, Tensor?, Tensor>
{
    private readonly Embedding embed_tokens;
    private readonly ModuleList<LlamaDecoderLayer> layers;
    private readonly LlamaRmsNorm norm;
    private readonly RotaryEmbedding rotary;

    public LlamaModel(LlamaConfig config) : base(nameof(LlamaModel))
    {
        embed_tokens = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers)
            .Select(_ => new LlamaDecoderLayer(config)).ToArray());
        norm = new LlamaRmsNorm(config.HiddenSize, config.RmsNormEps);
        rotary = new RotaryEmbedding(config.HeadDim, config.RopeTheta);
        RegisterComponents();
    }

    /// <summary>The token embedding matrix [vocab, hidden]; the tied lm_head multiplies by it.</summary>
    public Parameter EmbeddingWeight => embed_tokens.weight!;

    /// <param name="inputIds">[B, T] int64.</param>
    /// <param name="attentionMask">Optional [B, T] (1 = token, 0 = padding). Positions are always 0..T-1, as in
    /// HF forward; with right padding the mask changes only the (meaningless) outputs at padded positions.</param>
    public override Tensor forward(Tensor inputIds, Tensor? attentionMask)
    {
        var time = inputIds.shape[1];
        var (cos, sin) = rotary.Angles(time, inputIds.device);
        var context = new LlamaAttentionContext(cos, sin, attentionMask is null ? null : CausalPaddingMask(attentionMask));
        var hidden = embed_tokens.forward(inputIds);
        foreach (var layer in layers)
            hidden = layer.forward(hidden, context);
        return norm.forward(hidden);
    }

    private static Tensor CausalPaddingMask(Tensor attentionMask)
    {
        var time = attentionMask.shape[1];
        var causal = ones(time, time, ScalarType.Bool, attentionMask.device).tril();
        var mask = causal.unsqueeze(0).unsqueeze(0) & attentionMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(2);
        // A query that may attend to nothing (left padding) would give NaN, and NaN values poison later layers
        // even under zero attention weight; let such rows attend to themselves. Rows with any allowed key are
        // unchanged, so HF's outputs at every real position are kept.
        var nothingAllowed = mask.any(-1, keepdim: true).logical_not();
        var diagonal = eye(time, dtype: ScalarType.Bool, device: attentionMask.device);
        return mask | (nothingAllowed & diagonal);
    }
}
