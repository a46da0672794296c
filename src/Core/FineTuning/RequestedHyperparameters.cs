namespace TuningService.Core.FineTuning;

/// <summary>
/// Hyperparameters as the user asked for them. OpenAI's three are null for "auto"; the extensions (Together-style
/// names) are filled with their defaults when the job is created, so the job shows what will be used.
/// </summary>
public sealed record RequestedHyperparameters(int? NEpochs, int? BatchSize, double? LearningRateMultiplier)
{
    public static RequestedHyperparameters Auto { get; } = new(null, null, null);

    /// <summary>An absolute peak learning rate; overrides the multiplier.</summary>
    public double? LearningRate { get; init; }

    /// <summary>linear | cosine | constant, after warmup.</summary>
    public string LrScheduler { get; init; } = "linear";

    public double WarmupRatio { get; init; } = 0.1;
    public double WeightDecay { get; init; }
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Longest training sequence in tokens; null = the model's context. Longer examples lose the start of their prompt.</summary>
    public int? MaxSeqLength { get; init; }

    /// <summary>Also take the loss on prompt tokens (default: completions only).</summary>
    public bool TrainOnInputs { get; init; }

    /// <summary>"full" (every weight) or "lora" (adapters on the target layers, everything else frozen).</summary>
    public string TrainingType { get; init; } = "full";

    public int LoraR { get; init; } = 8;
    public double LoraAlpha { get; init; } = 16;
    public double LoraDropout { get; init; } = 0.05;

    /// <summary>Layer names to adapt, or ["all-linear"]; null = the family's default (T5 q,v; Llama q_proj,v_proj; GPT-2 c_attn).</summary>
    public IReadOnlyList<string>? LoraTargetModules { get; init; }

    public bool IsLora => TrainingType == "lora";

    /// <summary>Validate every N steps as well as at epoch ends (0: epoch ends only).</summary>
    public int EvalEverySteps { get; init; }

    /// <summary>Checkpoint every N steps as well as at epoch ends (0: epoch ends only).</summary>
    public int CheckpointEverySteps { get; init; }

    /// <summary>Stop after this many evaluations without an improvement larger than the threshold (0: never).</summary>
    public int EarlyStoppingPatience { get; init; }

    public double EarlyStoppingThreshold { get; init; }

    public int GradientAccumulationSteps { get; init; } = 1;

    /// <summary>"fp32" or "bf16" (bf16 forward/backward with fp32 master weights and optimizer state).</summary>
    public string Precision { get; init; } = "fp32";

    /// <summary>Pack several short examples into each sequence (decoder-only models), attention kept inside each example.</summary>
    public bool Packing { get; init; }

    /// <summary>OpenAI's method.type: "supervised" (default) or "dpo" (preference pairs, direct preference optimisation).</summary>
    public string Method { get; init; } = SupervisedMethod;

    public const string SupervisedMethod = "supervised", PreferenceMethod = "dpo";

    public bool IsPreference => Method == PreferenceMethod;

    /// <summary>DPO's β: how far the policy may move from the reference; null for "auto" (<see cref="DefaultBeta"/>).</summary>
    public double? Beta { get; init; }

    /// <summary>TRL's default β.</summary>
    public const double DefaultBeta = 0.1;

    /// <summary>DPO's loss: "sigmoid" (DPO, default) or "ipo".</summary>
    public string LossType { get; init; } = "sigmoid";

    /// <summary>Conservative DPO's ε (sigmoid loss only), 0 by default.</summary>
    public double LabelSmoothing { get; init; }

    /// <summary>DPO's reference model: "base", the job's starting model (a base model or the fine-tuned one the job starts from).</summary>
    public string Reference { get; init; } = "base";

    /// <summary>Activation checkpointing per block: "true", "false" or "auto" (on when the memory plan needs it).</summary>
    public string GradientCheckpointing { get; init; } = "auto";

    /// <summary>How LoRA's frozen base weights are stored: "none", "nf4" or "int8" (QLoRA). LoRA only.</summary>
    public string Quantization { get; init; } = "none";

    /// <summary>"adamw" or "adamw_8bit" (moments stored blockwise in 8 bits).</summary>
    public string Optimizer { get; init; } = "adamw";

    /// <summary>Step each block's weights as their gradients are ready in the backward pass (no gradient accumulation, no clipping).</summary>
    public bool OptimizerInBackward { get; init; }
}
