namespace TuningService.Core.Training;

/// <summary>
/// One training sequence. For a causal LM, <see cref="Labels"/> is aligned with <see cref="InputIds"/> (same length,
/// not shifted: the loss shifts) and holds <see cref="CausalLmLoss.IgnoreIndex"/> where no loss is taken (BOS and
/// prompt). For an encoder-decoder model, InputIds are the encoder's input and Labels the decoder's target.
/// <para>A preference pair (DPO) is the preferred answer's sequence with the non-preferred one in <see cref="Rejected"/>:
/// both are [prompt, answer] with labels on the answer, and they train together.</para>
/// </summary>
/// <param name="WasTruncated">True when the pair did not fit the model's context and tokens were dropped.</param>
public sealed record TokenizedExample(int[] InputIds, int[] Labels, bool WasTruncated = false)
{
    /// <summary>For a preference pair, the non-preferred answer's sequence (this one is the preferred answer's); else null.</summary>
    public TokenizedExample? Rejected { get; init; }

    /// <summary>For a preference pair trained without a reference model in memory: the reference model's summed
    /// log-probs of both answers, scored before training; else null.</summary>
    public PairReference? Reference { get; init; }

    /// <summary>The input length (what must fit the model's context): the longer sequence of a pair.</summary>
    public int Length => Rejected is null ? InputIds.Length : Math.Max(InputIds.Length, Rejected.InputIds.Length);

    public bool IsPair => Rejected is not null;
}
