namespace TuningService.Core.Training;

/// <summary>
/// One training sequence. For a causal LM, <see cref="Labels"/> is aligned with <see cref="InputIds"/> (same length,
/// not shifted: the loss shifts) and holds <see cref="CausalLmLoss.IgnoreIndex"/> where no loss is taken (BOS and
/// prompt). For an encoder-decoder model, InputIds are the encoder's input and Labels the decoder's target.
/// </summary>
/// <param name="WasTruncated">True when the pair did not fit the model's context and tokens were dropped.</param>
public sealed record TokenizedExample(int[] InputIds, int[] Labels, bool WasTruncated = false)
{
    /// <summary>The input length (what must fit the model's context).</summary>
    public int Length => InputIds.Length;
}
