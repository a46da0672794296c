using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>
/// HF `T5Stack` (the `encoder.` and `decoder.` prefixes): blocks and final_layer_norm. The token embedding is
/// `shared`, owned by <see cref="T5ForConditionalGeneration"/>, so the stack takes embedded inputs and the
/// matrix exists once (HF's encoder/decoder.embed_tokens are the same tensor).
/// </summary>
public sealed class T5Stack : nn.Module
{
    private readonly ModuleList<T5Block> block;
    private readonly T5LayerNorm final_layer_norm;
    private readonly FastDropoutLayer dropout;
    private readonly bool isDecoder;
    private readonly BlockCheckpointing checkpointing;

    /// <param name="checkpointing">The owning model's switch: checkpoints each block while training.</param>
    public T5Stack(T5Config config, bool isDecoder, BlockCheckpointing checkpointing) : base(nameof(T5Stack))
    {
        this.checkpointing = checkpointing;
        var layers = isDecoder ? config.NumDecoderLayers : config.NumLayers;
        block = nn.ModuleList(Enumerable.Range(0, layers).Select(i => new T5Block(config, isDecoder, i)).ToArray());
        final_layer_norm = new T5LayerNorm(config.DModel, config.LayerNormEpsilon);
        dropout = new FastDropoutLayer(config.DropoutRate);
        this.isDecoder = isDecoder;
        RegisterComponents();
    }

    /// <summary>Encoder states [B, S, D] for embedded inputs [B, S, D] and an optional [B, S] mask (1 = token).</summary>
    public Tensor Encode(Tensor embeds, Tensor? attentionMask)
    {
        if (isDecoder) throw new InvalidOperationException("This stack is the decoder.");
        var length = embeds.shape[1];
        var bias = FirstAttention.PositionBias(length, length, 0, embeds.device);
        if (attentionMask is not null)
            bias = bias + KeyPaddingBias(attentionMask, bias.dtype);
        return Run(embeds, new T5StackState(bias, null, null, null));
    }

    /// <summary>
    /// Decoder states [B, T, D] for embedded decoder inputs [B, T, D] at positions cache.Length.. (0 without a
    /// cache), causal, attending to the encoder states; the cache advances by T.
    /// </summary>
    public Tensor Decode(Tensor embeds, Tensor encoderHidden, Tensor? encoderMask, KeyValueCache? cache)
    {
        if (!isDecoder) throw new InvalidOperationException("This stack is the encoder.");
        var (time, past) = (embeds.shape[1], (long)(cache?.Length ?? 0));
        var bias = FirstAttention.PositionBias(time, past + time, past, embeds.device);
        bias = bias.masked_fill(FutureKeys(time, past, embeds.device), finfo(bias.dtype).min);
        var crossMask = encoderMask is null ? null : KeyPaddingBias(encoderMask, bias.dtype);
        var hidden = Run(embeds, new T5StackState(bias, encoderHidden, crossMask, cache));
        cache?.Advance((int)time);
        return hidden;
    }

    private T5Attention FirstAttention => block[0].SelfAttentionLayer.Attention;

    private Tensor Run(Tensor embeds, T5StackState state)
    {
        var hidden = dropout.forward(embeds);
        foreach (var b in block)
            hidden = state.Cache is null ? Checkpointed(b, hidden, state) : b.forward(hidden, state);
        return dropout.forward(final_layer_norm.forward(hidden));
    }

    /// <summary>
    /// A block run through <see cref="BlockCheckpointing"/>. Gradient flows into it through the hidden states, the
    /// shared position bias (block 0's relative_attention_bias, when trained) and, in the decoder, the encoder output,
    /// so all three are the checkpoint's inputs.
    /// </summary>
    private Tensor Checkpointed(T5Block b, Tensor hidden, T5StackState state)
    {
        if (state.EncoderHidden is not { } encoderHidden)
            return checkpointing.Run(b, inputs => b.forward(inputs[0], state with { SelfAttentionBias = inputs[1] }),
                hidden, state.SelfAttentionBias);
        return checkpointing.Run(b, inputs => b.forward(inputs[0], state with { SelfAttentionBias = inputs[1], EncoderHidden = inputs[2] }),
            hidden, state.SelfAttentionBias, encoderHidden);
    }

    /// <summary>HF's extended / inverted attention mask: (1 - mask) · finfo.min as [B, 1, 1, keys].</summary>
    private static Tensor KeyPaddingBias(Tensor mask, ScalarType dtype) =>
        (1.0 - mask.to(dtype)).unsqueeze(1).unsqueeze(2) * finfo(dtype).min;

    /// <summary>[1, 1, T, past + T], true where a key lies after its query (HF's causal mask with cache positions).</summary>
    private static Tensor FutureKeys(long time, long past, Device device)
    {
        var queries = arange(past, past + time, ScalarType.Int64, device).unsqueeze(1);
        var keys = arange(past + time, ScalarType.Int64, device).unsqueeze(0);
        return keys.gt(queries).unsqueeze(0).unsqueeze(0);
    }
}
