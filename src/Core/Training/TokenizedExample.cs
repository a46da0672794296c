namespace TuningService.Core.Training;

/// <summary>
/// One training sequence. <see cref="Labels"/> is aligned with <see cref="InputIds"/> (same length, not shifted:
/// the loss shifts) and holds <see cref="CausalLmLoss.IgnoreIndex"/> where no loss is taken (BOS and prompt).
/// </summary>
/// <param name="WasTruncated">True when the pair did not fit the model's context and tokens were dropped.</param>
public sealed record TokenizedExample(int[] InputIds, int[] Labels, bool WasTruncated = false)
{
    public int Length => InputIds.Length;
}
