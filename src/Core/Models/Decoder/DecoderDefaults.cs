namespace TuningService.Core.Models.Decoder;

/// <summary>
/// A family's HF config-class defaults for keys config.json may omit. They differ across families (the fixtures
/// README lists head_dim and tie_word_embeddings), so each family states its own.
/// </summary>
internal sealed record DecoderDefaults
{
    /// <summary>head_dim when absent: null = hidden_size / num_attention_heads (Qwen2, Mistral, Phi-3); Qwen3 128, Gemma 256.</summary>
    public int? HeadDim { get; init; }
    public required bool TieWordEmbeddings { get; init; }
    public required double RmsNormEps { get; init; }
    public required double RopeTheta { get; init; }
    public required int MaxPositionEmbeddings { get; init; }
    public int? BosTokenId { get; init; }
    public int? EosTokenId { get; init; }
    public int? PadTokenId { get; init; }
    /// <summary>The key naming the MLP activation: "hidden_act", or "hidden_activation" for Gemma (whose hidden_act is unused).</summary>
    public string ActivationKey { get; init; } = "hidden_act";
    public string Activation { get; init; } = "silu";
}
