using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>
/// HF `Qwen2ForCausalLM`, `Qwen3ForCausalLM`, `MistralForCausalLM`, `Phi3ForCausalLM`, `Gemma2ForCausalLM` and
/// `Gemma3ForCausalLM`, as one module configured by <see cref="DecoderConfig"/>. Field names are the checkpoint's
/// tensor names, so state_dict() keys equal HF's. With tied embeddings there is no lm_head module: the output
/// projection reuses model.embed_tokens.weight, which is saved once, as HF save_pretrained does.
/// </summary>
public sealed class DecoderForCausalLM : CausalLanguageModel
{
    private readonly DecoderModel model;
    private readonly Linear? lm_head;

    public DecoderForCausalLM(DecoderConfig config) : base(nameof(DecoderForCausalLM))
    {
        Config = config;
        model = new DecoderModel(config, Checkpointing);
        lm_head = config.TieWordEmbeddings ? null : nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    public DecoderConfig Config { get; }
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
        var logits = (lm_head is null
            ? nn.functional.linear(hidden, model.EmbeddingWeight)
            : lm_head.forward(hidden)).to(ScalarType.Float32);
        // modeling_gemma2.py 542-545: logits = tanh(logits / cap) * cap, before the loss.
        if (Config.FinalLogitSoftcapping is { } cap)
            logits = (logits / cap).tanh() * cap;
        return logits;
    }
}
