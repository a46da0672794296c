using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Llama;

/// <summary>
/// HF `LlamaForCausalLM`. Field names are the checkpoint's tensor names, so state_dict() keys equal HF's
/// (model.embed_tokens.weight, model.layers.N.self_attn.q_proj.weight, ..., lm_head.weight when untied).
/// With tied embeddings there is no lm_head module: the output projection reuses model.embed_tokens.weight, so the
/// weight exists once, trains once and is saved once, as HF save_pretrained does.
/// </summary>
public sealed class LlamaForCausalLM : CausalLanguageModel
{
    private readonly LlamaModel model;
    private readonly Linear? lm_head;

    public LlamaForCausalLM(LlamaConfig config) : base(nameof(LlamaForCausalLM))
    {
        Config = config;
        model = new LlamaModel(config, Checkpointing);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public LlamaConfig Config { get; }
    public override int VocabSize => Config.VocabSize;
    public override int MaxPositions => Config.MaxPositionEmbeddings;

    /// <summary>ids [B, T] int64 → logits [B, T, V] float32, causal, positions 0..T-1.</summary>
    public override Tensor forward(Tensor inputIds) => forward(inputIds, null);

    /// <summary>As <see cref="forward(Tensor)"/>, with an optional [B, T] padding mask (1 = token).</summary>
    public Tensor forward(Tensor inputIds, Tensor? attentionMask) => Logits(model.forward(inputIds, attentionMask));

    /// <summary>The cache holds each layer's keys/values for the kv heads only (before the GQA expansion).</summary>
    public override KeyValueCache CreateCache() => new(Config.NumHiddenLayers);

    public override Tensor Forward(Tensor inputIds, KeyValueCache cache) => Logits(model.Forward(inputIds, cache));

    public override bool SupportsLeftPadding => true;

    public override Tensor ForwardLeftPadded(Tensor inputIds, Tensor attentionMask, KeyValueCache? cache) =>
        Logits(model.ForwardLeftPadded(inputIds, attentionMask, cache));

    public override bool SupportsPacking => true;

    public override Tensor ForwardPacked(Tensor inputIds, Tensor segmentIds) => Logits(model.ForwardPacked(inputIds, segmentIds));

    public override bool SplitsOutputHead => true;

    public override Tensor HiddenStates(Tensor inputIds, Tensor? segmentIds) =>
        segmentIds is null ? model.forward(inputIds, null) : model.ForwardPacked(inputIds, segmentIds);

    public override Tensor Logits(Tensor hidden)
    {
        var logits = lm_head is null
            ? nn.functional.linear(hidden, model.EmbeddingWeight)
            : lm_head.forward(hidden);
        return logits.to(ScalarType.Float32);
    }
}
