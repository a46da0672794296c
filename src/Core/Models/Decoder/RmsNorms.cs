using TorchSharp;
using TuningService.Core.Models.Llama;
using static TorchSharp.torch;

namespace TuningService.Core.Models.Decoder;

/// <summary>The RMSNorm of a config's <see cref="RmsNormStyle"/>; both store one `weight` tensor.</summary>
internal static class RmsNorms
{
    public static nn.Module<Tensor, Tensor> Create(long size, DecoderConfig config) => config.NormStyle switch
    {
        RmsNormStyle.Gemma => new GemmaRmsNorm(size, config.RmsNormEps),
        _ => new LlamaRmsNorm(size, config.RmsNormEps),
    };
}
