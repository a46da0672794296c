namespace TuningService.Core.Models.Decoder;

/// <summary>How an RMSNorm applies its stored weight.</summary>
public enum RmsNormStyle
{
    /// <summary>Llama, Qwen, Mistral, Phi-3: weight · x̂ (weights stored around 1).</summary>
    Llama,

    /// <summary>Gemma: x̂ · (1 + weight) in fp32 (weights stored as offsets around 0).</summary>
    Gemma,
}
