using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Gpt2;

/// <summary>HF `GPT2Model` (the `transformer.` prefix): token and learned position embeddings, blocks, ln_f.</summary>
public sealed class Gpt2Model : nn.Module<Tensor, KeyValueCache?, Tensor>
{
    private readonly Embedding wte;
    private readonly Embedding wpe;
    private readonly FastDropoutLayer drop;
    private readonly ModuleList<Gpt2Block> h;
    private readonly LayerNorm ln_f;
    private readonly int maxPositions;
    private readonly BlockCheckpointing checkpointing;

    /// <param name="checkpointing">The owning model's switch: checkpoints each block while training.</param>
    public Gpt2Model(Gpt2Config config, BlockCheckpointing checkpointing) : base(nameof(Gpt2Model))
    {
        this.checkpointing = checkpointing;
        wte = nn.Embedding(config.VocabSize, config.NEmbd);
        wpe = nn.Embedding(config.NPositions, config.NEmbd);
        drop = new FastDropoutLayer(config.EmbdPdrop);
        h = nn.ModuleList(Enumerable.Range(0, config.NLayer).Select(i => new Gpt2Block(config, i)).ToArray());
        ln_f = nn.LayerNorm(config.NEmbd, config.LayerNormEpsilon);
        maxPositions = config.NPositions;
        RegisterComponents();
    }

    /// <summary>The token embedding matrix [vocab, n_embd]; the tied lm_head multiplies by it.</summary>
    public Parameter EmbeddingWeight => wte.weight!;

    /// <param name="inputIds">[B, T] int64, at positions past..past+T-1 where past is the cache's length (0 without one).</param>
    /// <param name="cache">Optional; each layer appends this pass's keys and values and the cache advances by T.</param>
    /// <returns>Final hidden states [B, T, n_embd].</returns>
    public override Tensor forward(Tensor inputIds, KeyValueCache? cache)
    {
        var time = inputIds.shape[1];
        var past = cache?.Length ?? 0;
        if (past + time > maxPositions)
            throw new ArgumentException($"Positions up to {past + time - 1} exceed the model's n_positions ({maxPositions}).", nameof(inputIds));
        var device = inputIds.device;
        // HF: position_ids = arange(past_length, past_length + T) for every row, independent of any padding.
        var positions = arange(past, past + time, ScalarType.Int64, device);
        var hidden = drop.forward(wte.forward(inputIds) + wpe.forward(positions));
        var context = new Gpt2AttentionContext(past == 0 ? null : CausalMaskAfter(past, time, device), cache);
        hidden = RunBlocks(hidden, context);
        cache?.Advance((int)time);
        return ln_f.forward(hidden);
    }

    /// <summary>
    /// Final hidden states for rows packing several examples (segment ids [B, T], 1, 2, … per example, 0 =
    /// padding): attention is causal within each example and learned positions restart at each example's start.
    /// </summary>
    public Tensor ForwardPacked(Tensor inputIds, Tensor segmentIds)
    {
        if (!segmentIds.shape.SequenceEqual(inputIds.shape))
            throw new ArgumentException($"Segment ids [{string.Join(", ", segmentIds.shape)}] must have the ids' shape [{string.Join(", ", inputIds.shape)}].", nameof(segmentIds));
        if (inputIds.shape[1] > maxPositions)
            throw new ArgumentException($"A packed row of {inputIds.shape[1]} positions exceeds the model's n_positions ({maxPositions}).", nameof(inputIds));
        var hidden = drop.forward(wte.forward(inputIds) + wpe.forward(PackedSegments.Positions(segmentIds)));
        var context = new Gpt2AttentionContext(PackedSegments.Mask(segmentIds), Cache: null);
        return ln_f.forward(RunBlocks(hidden, context));
    }

    private Tensor RunBlocks(Tensor hidden, Gpt2AttentionContext context)
    {
        foreach (var block in h)
            hidden = context.Cache is null
                ? checkpointing.Run(block, inputs => block.forward(inputs[0], context), hidden)
                : block.forward(hidden, context);
        return hidden;
    }

    /// <summary>[T, past + T], true where query past + i may see key j (j ≤ past + i).</summary>
    private static Tensor CausalMaskAfter(long past, long time, Device device) =>
        ones(time, past + time, ScalarType.Bool, device).tril(past);
}
