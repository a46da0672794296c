using TuningService.Core.Quantization;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>How <see cref="PretrainedModelLoader.Load(string, Device, WeightLoadOptions)"/> holds the weights it reads.</summary>
public sealed record WeightLoadOptions
{
    /// <summary>fp32, as <see cref="PretrainedModelLoader.Load(string, Device)"/> loads.</summary>
    public static WeightLoadOptions Fp32 { get; } = new();

    /// <summary>Floating-point weights in this dtype (Float32 or BFloat16), converted from the stored dtype.</summary>
    public ScalarType Dtype { get; init; } = ScalarType.Float32;

    /// <summary>
    /// Nf4 or Int8: every linear layer except the output head (bitsandbytes' load_in_4bit leaves lm_head alone too)
    /// is quantized as it is read and becomes a <see cref="QuantizedLinear"/>, so the model never exists unquantized.
    /// </summary>
    public WeightQuantization Quantization { get; init; } = WeightQuantization.None;

    internal bool IsFp32 => Dtype == ScalarType.Float32 && Quantization == WeightQuantization.None;
}
