using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>
/// HF `T5Attention`: multi-head attention without bias terms and without 1/√d_kv score scaling (Mesh TensorFlow
/// folds that into the initialisation). Position information enters only as an additive bias on the scores,
/// which the first block of each stack computes from relative-position buckets and every later block reuses.
/// </summary>
public sealed class T5Attention : nn.Module, IReplaceableLinears
{
    // Linear layers; not readonly because ReplaceLinear may swap in a wrapper (LoRA) with the same forward.
    private nn.Module<Tensor, Tensor> q;
    private nn.Module<Tensor, Tensor> k;
    private nn.Module<Tensor, Tensor> v;
    private nn.Module<Tensor, Tensor> o;
    private readonly Embedding? relative_attention_bias;
    private readonly int heads;
    private readonly int headDim;
    private readonly double dropoutRate;
    private readonly bool isDecoder;
    private readonly int numBuckets;
    private readonly int maxDistance;

    public T5Attention(T5Config config, bool isDecoder, bool hasRelativeAttentionBias) : base(nameof(T5Attention))
    {
        heads = config.NumHeads;
        headDim = config.DKv;
        dropoutRate = config.DropoutRate;
        this.isDecoder = isDecoder;
        numBuckets = config.RelativeAttentionNumBuckets;
        maxDistance = config.RelativeAttentionMaxDistance;
        q = nn.Linear(config.DModel, heads * headDim, hasBias: false);
        k = nn.Linear(config.DModel, heads * headDim, hasBias: false);
        v = nn.Linear(config.DModel, heads * headDim, hasBias: false);
        o = nn.Linear(heads * headDim, config.DModel, hasBias: false);
        relative_attention_bias = hasRelativeAttentionBias ? nn.Embedding(numBuckets, heads) : null;
        RegisterComponents();
    }

    public void ReplaceLinear(string name, nn.Module<Tensor, Tensor> replacement)
    {
        switch (name)
        {
            case nameof(q): q = replacement; break;
            case nameof(k): k = replacement; break;
            case nameof(v): v = replacement; break;
            case nameof(o): o = replacement; break;
            default: throw ModuleChildren.UnknownLinear(this, name);
        }
        this.Reregister(name, replacement);
    }

    /// <summary>
    /// The relative-position bias [1, heads, queries, keys] for queries at positions queryOffset.. and keys at
    /// 0..keyLength-1: bidirectional buckets in the encoder, causal ones in the decoder (HF compute_bias).
    /// </summary>
    public Tensor PositionBias(long queryLength, long keyLength, long queryOffset, Device device)
    {
        if (relative_attention_bias is null)
            throw new InvalidOperationException("Only a stack's first block owns relative_attention_bias; later blocks reuse its bias.");
        var context = arange(queryOffset, queryOffset + queryLength, ScalarType.Int64, device).unsqueeze(1);
        var memory = arange(keyLength, ScalarType.Int64, device).unsqueeze(0);
        var buckets = RelativePositionBuckets.Compute(memory - context, bidirectional: !isDecoder, numBuckets, maxDistance);
        return relative_attention_bias.forward(buckets).permute(2, 0, 1).unsqueeze(0); // [1, H, Tq, Tk]
    }

    /// <summary>
    /// Self-attention over x [B, T, D] with the bias (position bias plus masks) folded in. With a cache, x holds the
    /// new positions only and this step's keys/values are appended to slot <paramref name="cacheSlot"/>.
    /// </summary>
    public Tensor SelfAttend(Tensor x, Tensor bias, KeyValueCache? cache, int cacheSlot)
    {
        var keys = SplitHeads(k.forward(x));
        var values = SplitHeads(v.forward(x));
        if (cache is not null)
            (keys, values) = cache.Append(cacheSlot, keys, values);
        return Attend(SplitHeads(q.forward(x)), keys, values, bias);
    }

    /// <summary>
    /// Cross-attention from decoder states x [B, T, D] to the encoder states. No position bias, only the encoder
    /// padding mask. The encoder's keys/values do not change while decoding, so with a cache they are computed on
    /// the first call, kept in slot <paramref name="cacheSlot"/> and reused; later calls ignore encoderHidden.
    /// </summary>
    public Tensor CrossAttend(Tensor x, Tensor encoderHidden, Tensor? encoderMask, KeyValueCache? cache, int cacheSlot)
    {
        Tensor keys, values;
        if (cache?.Stored(cacheSlot) is { } stored)
        {
            (keys, values) = stored;
        }
        else
        {
            keys = SplitHeads(k.forward(encoderHidden));
            values = SplitHeads(v.forward(encoderHidden));
            if (cache is not null)
                (keys, values) = cache.Append(cacheSlot, keys, values);
        }
        return Attend(SplitHeads(q.forward(x)), keys, values, encoderMask);
    }

    private Tensor Attend(Tensor queries, Tensor keys, Tensor values, Tensor? bias)
    {
        var scores = queries.matmul(keys.transpose(3, 2)); // [B, H, Tq, Tk], deliberately unscaled
        if (bias is not null)
            scores += bias;
        var weights = nn.functional.softmax(scores.to(ScalarType.Float32), -1).to(scores.dtype);
        weights = FastDropout.Apply(weights, dropoutRate, training);
        var attended = weights.matmul(values);             // [B, H, Tq, d_kv]
        var (batch, time) = (attended.shape[0], attended.shape[2]);
        return o.forward(attended.transpose(1, 2).reshape(batch, time, heads * headDim));
    }

    private Tensor SplitHeads(Tensor x) => x.view(x.shape[0], x.shape[1], heads, headDim).transpose(1, 2); // [B, H, T, d_kv]
}
