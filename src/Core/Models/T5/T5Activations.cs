using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Models.T5;

/// <summary>The feed-forward activations of <see cref="T5Config.SupportedActivations"/>, by HF ACT2FN name.</summary>
internal static class T5Activations
{
    public static Func<Tensor, Tensor> Get(string name) => name switch
    {
        "relu" => x => nn.functional.relu(x),
        // HF "gelu" is the exact erf form; "gelu_new" is the tanh approximation, which torch's tanh mode computes
        // (the fixtures README measures the two formulations ≤ 1.2e-5 apart; erf instead moves logits by 4e-3).
        "gelu" => x => nn.functional.gelu(x),
        "gelu_new" => x => nn.functional.gelu(x, GELU.Approximate.tanh),
        _ => throw new NotSupportedException($"T5 activation '{name}' is not supported."),
    };
}
