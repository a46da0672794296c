namespace TuningService.Core.Lora;

/// <summary>
/// LoRA hyper-parameters, as PEFT's LoraConfig: each targeted layer computes y = W x + s · B A x with A [r, in],
/// B [out, r] and scaling s = alpha / r. Defaults are PEFT's (r 8, lora_alpha 8, lora_dropout 0).
/// </summary>
public sealed record LoraConfig
{
    /// <summary>target_modules value meaning every linear layer except the output head (PEFT's "all-linear").</summary>
    public const string AllLinear = "all-linear";

    /// <summary>Rank r of the update B A.</summary>
    public int R { get; init; } = 8;

    /// <summary>lora_alpha: the update is scaled by alpha / r, so changing r keeps the update's size comparable.</summary>
    public double Alpha { get; init; } = 8;

    /// <summary>lora_dropout: dropout on the adapter's input while training (the base path never sees it).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// Module names to wrap, matched as PEFT does: a module path equal to a name or ending in "." + name, so "q" hits
    /// every `...SelfAttention.q` and `...EncDecAttention.q`. [<see cref="AllLinear"/>] wraps every linear layer
    /// except lm_head. Null: the family's default (<see cref="LoraTargets.DefaultFor"/>).
    /// </summary>
    public IReadOnlyList<string>? TargetModules { get; init; }

    /// <summary>use_rslora (Kalajdzievski 2023): scale by alpha / √r instead of alpha / r.</summary>
    public bool UseRslora { get; init; }

    /// <summary>The factor s on B A (PEFT's `scaling`).</summary>
    public double Scaling => UseRslora ? Alpha / Math.Sqrt(R) : Alpha / R;

    /// <summary>Throws <see cref="ArgumentException"/> for values PEFT would refuse or that make no adapter.</summary>
    public void Validate()
    {
        if (R < 1)
            throw new ArgumentException($"LoRA rank r must be at least 1, got {R}.");
        if (double.IsNaN(Alpha) || double.IsInfinity(Alpha))
            throw new ArgumentException($"lora_alpha must be a finite number, got {Alpha}.");
        if (!(Dropout >= 0 && Dropout < 1))
            throw new ArgumentException($"lora_dropout must be in [0, 1), got {Dropout}.");
        if (TargetModules is { Count: 0 } || TargetModules?.Any(string.IsNullOrWhiteSpace) == true)
            throw new ArgumentException("target_modules must name at least one module, and no name may be empty.");
        if (TargetModules is { Count: > 1 } && TargetModules.Contains(AllLinear))
            throw new ArgumentException($"'{AllLinear}' stands alone in target_modules.");
    }
}
