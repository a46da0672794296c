using static TorchSharp.torch;

namespace TuningService.Core.Quantization;

/// <summary>
/// The NF4 data type of QLoRA (Dettmers et al. 2023, arXiv 2305.14314, section 3): 16 values, quantiles of N(0, 1)
/// normalised into [-1, 1], with an exact 0 and one more positive value than negative ones.
/// </summary>
public static class NormalFloat4
{
    /// <summary>
    /// The table as bitsandbytes has it: `get_4bit_type("nf4")` in bitsandbytes/functional.py and `CODE["nf4"]` in
    /// bitsandbytes/backends/utils.py (bitsandbytes-foundation/bitsandbytes), the same values its CUDA kernel
    /// dQuantizeNF4/dDequantizeNF4 hard-codes (csrc/kernels.cu). Index = the 4-bit code: 0 is -1, 7 is 0, 15 is +1.
    /// </summary>
    public static readonly float[] Values =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    /// <summary>The table as a float32 tensor on <paramref name="device"/>.</summary>
    public static Tensor Table(Device device) => tensor(Values, ScalarType.Float32, device);
}
