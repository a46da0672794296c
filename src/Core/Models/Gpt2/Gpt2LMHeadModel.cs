using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Gpt2;

/// <summary>
/// HF `GPT2LMHeadModel`. Field names are the checkpoint's tensor names, so state_dict() keys equal HF's
/// (transformer.wte.weight, transformer.h.N.attn.c_attn.weight, ...). With tied embeddings (HF's default) there is
/// no lm_head module: the output projection reuses transformer.wte.weight, so the matrix exists once, trains once
/// and is saved once, as save_pretrained does. No causal-mask buffers are kept (HF's `attn.bias`), so none are saved.
/// </summary>
public sealed class Gpt2LMHeadModel : CausalLanguageModel
{
    private readonly Gpt2Model transformer;
    private readonly Linear? lm_head;

    public Gpt2LMHeadModel(Gpt2Config config) : base(nameof(Gpt2LMHeadModel))
    {
        Config = config;
        transformer = new Gpt2Model(config, Checkpointing);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.NEmbd, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public Gpt2Config Config { get; }
    public override int VocabSize => Config.VocabSize;
    public override int MaxPositions => Config.NPositions;

    /// <summary>ids [B, T] int64 → logits [B, T, V] float32, causal, positions 0..T-1.</summary>
    public override Tensor forward(Tensor inputIds) => Logits(transformer.forward(inputIds, null));

    public override KeyValueCache CreateCache() => new(Config.NLayer);

    public override Tensor Forward(Tensor inputIds, KeyValueCache cache)
    {
        ArgumentNullException.ThrowIfNull(cache);
        return Logits(transformer.forward(inputIds, cache));
    }

    public override bool SupportsPacking => true;

    public override Tensor ForwardPacked(Tensor inputIds, Tensor segmentIds) => Logits(transformer.ForwardPacked(inputIds, segmentIds));

    public override bool SplitsOutputHead => true;

    public override Tensor HiddenStates(Tensor inputIds, Tensor? segmentIds) =>
        segmentIds is null ? transformer.forward(inputIds, null) : transformer.ForwardPacked(inputIds, segmentIds);

    public override Tensor Logits(Tensor hidden)
    {
        var logits = lm_head is null
            ? nn.functional.linear(hidden, transformer.EmbeddingWeight)
            : lm_head.forward(hidden);
        return logits.to(ScalarType.Float32);
    }
}
