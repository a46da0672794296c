using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// HF `ForCausalLMLoss`: position t predicts labels[t + 1]; labels equal to <see cref="IgnoreIndex"/> (padding,
/// prompt tokens) are skipped; the mean is over all non-ignored targets of the batch, in fp32.
/// </summary>
public static class CausalLmLoss
{
    public const long IgnoreIndex = -100;

    /// <param name="logits">[B, T, V], any float dtype.</param>
    /// <param name="labels">[B, T] int64, normally the input ids with ignored positions set to -100.</param>
    /// <returns>A scalar fp32 tensor (NaN when every target is ignored, as in PyTorch).</returns>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        var time = logits.shape[1];
        var vocab = logits.shape[2];
        var predictions = logits.narrow(1, 0, time - 1).to(ScalarType.Float32).reshape(-1, vocab);
        var targets = labels.narrow(1, 1, time - 1).to(ScalarType.Int64).reshape(-1);
        return nn.functional.cross_entropy(predictions, targets, ignore_index: IgnoreIndex);
    }
}
