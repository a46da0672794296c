using System.Text.Json;

namespace TuningService.Api.FineTuningJobs;

/// <summary>The body of POST /v1/fine_tuning/jobs, as OpenAI defines it (snake_case on the wire).</summary>
public sealed class CreateFineTuningJobRequest
{
    /// <example>babyllama-tinystories</example>
    public string? Model { get; set; }
    /// <example>file-abc123</example>
    public string? TrainingFile { get; set; }
    public string? ValidationFile { get; set; }
    /// <summary>Up to 64 characters added to the fine-tuned model's name.</summary>
    public string? Suffix { get; set; }
    public int? Seed { get; set; }
    public Dictionary<string, string>? Metadata { get; set; }
    public MethodRequest? Method { get; set; }
    /// <summary>Deprecated spelling of method.supervised.hyperparameters.</summary>
    public HyperparametersRequest? Hyperparameters { get; set; }
    public JsonElement? Integrations { get; set; }
    /// <summary>Multi-task fine-tuning (extension): several training files, each a task, mixed as `mixing` says.</summary>
    public List<TaskRequest>? Tasks { get; set; }
    /// <summary>How tasks are mixed: {"strategy": "proportional" | "temperature", "cap": K, "temperature": T}.</summary>
    public MixingRequest? Mixing { get; set; }
    /// <summary>Hold out this share (0..1) of the training file for validation, seeded and stratified (extension).</summary>
    public double? ValidationSplit { get; set; }
    /// <summary>Hold out this share (0..1) of the training file as the test set evaluated before and after training (extension).</summary>
    public double? TestSplit { get; set; }
    /// <summary>A file evaluated before and after training: generated metrics, base vs fine-tuned (extension).</summary>
    public string? TestFile { get; set; }
    /// <summary>A prompt template for the training records: a name from GET /v1/templates, or {"prompt": "...{field}...", "completion": "{field}"} (extension).</summary>
    public JsonElement? Template { get; set; }
    /// <summary>How chat and preference records are written for the model (extension): "chatml", "llama3", "plain", or a Jinja
    /// chat template; left out, the model's own chat template (tokenizer_config.json), else the plain layout.</summary>
    public string? ChatTemplate { get; set; }
    /// <summary>Files of general data the model should keep: perplexity and metrics on them are measured before and after (extension).</summary>
    public List<string>? RetentionFiles { get; set; }
    /// <summary>Also evaluate the base model prompted with this many training examples (in-context learning baseline; extension).</summary>
    public int? IclShots { get; set; }
    /// <summary>Check everything and answer with the resolved plan and an estimate, without queuing a job (extension).</summary>
    public bool? DryRun { get; set; }
}

public sealed class TaskRequest
{
    /// <example>sentiment</example>
    public string? Name { get; set; }
    public string? TrainingFile { get; set; }
    public string? ValidationFile { get; set; }
    /// <summary>Multiplies the task's mixing rate before renormalisation (default 1).</summary>
    public double? Weight { get; set; }
}

public sealed class MixingRequest
{
    /// <example>proportional</example>
    public string? Strategy { get; set; }
    /// <summary>T5's artificial dataset size limit K: a task counts as at most K examples.</summary>
    public double? Cap { get; set; }
    /// <summary>Temperature T ≥ 1 for "temperature" mixing (rates ∝ rate^(1/T)).</summary>
    public double? Temperature { get; set; }
}

public sealed class MethodRequest
{
    /// <summary>"supervised" (default) or "dpo".</summary>
    /// <example>supervised</example>
    public string? Type { get; set; }
    public SupervisedMethodRequest? Supervised { get; set; }
    public DpoMethodRequest? Dpo { get; set; }
}

public sealed class DpoMethodRequest
{
    public DpoHyperparametersRequest? Hyperparameters { get; set; }
}

/// <summary>OpenAI's DPO hyperparameters (beta, n_epochs, batch_size, learning_rate_multiplier: a number or "auto"),
/// this service's extensions, and DPO's own loss settings.</summary>
public sealed class DpoHyperparametersRequest : HyperparametersRequest
{
    /// <summary>β, how far the policy may move from the reference (a number or "auto": 0.1).</summary>
    public JsonElement? Beta { get; set; }
    /// <summary>"sigmoid" (DPO, default) or "ipo".</summary>
    public JsonElement? LossType { get; set; }
    /// <summary>Conservative DPO: the assumed share of flipped preferences, 0 ≤ ε &lt; 0.5 (sigmoid only; default 0).</summary>
    public JsonElement? LabelSmoothing { get; set; }
    /// <summary>The reference model: "base" (default), the job's starting model.</summary>
    public JsonElement? Reference { get; set; }
}

public sealed class SupervisedMethodRequest
{
    public HyperparametersRequest? Hyperparameters { get; set; }
}

/// <summary>OpenAI's three (a number or "auto") and extensions with Together-style names.</summary>
public class HyperparametersRequest
{
    public JsonElement? NEpochs { get; set; }
    public JsonElement? BatchSize { get; set; }
    public JsonElement? LearningRateMultiplier { get; set; }
    /// <summary>Absolute peak learning rate; overrides learning_rate_multiplier.</summary>
    public JsonElement? LearningRate { get; set; }
    /// <summary>"linear" (default), "cosine" or "constant" after warmup.</summary>
    public JsonElement? LrScheduler { get; set; }
    /// <summary>Share of steps spent warming up, 0..1 (default 0.1).</summary>
    public JsonElement? WarmupRatio { get; set; }
    /// <summary>AdamW decoupled weight decay, ≥ 0 (default 0).</summary>
    public JsonElement? WeightDecay { get; set; }
    /// <summary>Clip gradients to this global norm; 0 turns clipping off (default 1).</summary>
    public JsonElement? MaxGradNorm { get; set; }
    /// <summary>Longest training sequence in tokens (default: the model's context); longer examples lose the start of their prompt.</summary>
    public JsonElement? MaxSeqLength { get; set; }
    /// <summary>Also learn the prompt tokens (default false: loss on completions only).</summary>
    public JsonElement? TrainOnInputs { get; set; }
    /// <summary>"full" (default) or "lora".</summary>
    public JsonElement? TrainingType { get; set; }
    /// <summary>LoRA rank (default 8).</summary>
    public JsonElement? LoraR { get; set; }
    /// <summary>LoRA alpha; the update is scaled by alpha / r (default 16).</summary>
    public JsonElement? LoraAlpha { get; set; }
    /// <summary>Dropout on the adapters' input (default 0.05).</summary>
    public JsonElement? LoraDropout { get; set; }
    /// <summary>Layer names to adapt (e.g. ["q_proj", "v_proj"]) or "all-linear"; default per family.</summary>
    public JsonElement? LoraTargetModules { get; set; }
    /// <summary>Validate every N steps as well as at epoch ends (default 0: epoch ends only).</summary>
    public JsonElement? EvalEverySteps { get; set; }
    /// <summary>Checkpoint every N steps as well as at epoch ends (default 0: epoch ends only).</summary>
    public JsonElement? CheckpointEverySteps { get; set; }
    /// <summary>Stop after this many evaluations without improvement (default 0: never). Needs validation data.</summary>
    public JsonElement? EarlyStoppingPatience { get; set; }
    /// <summary>The least decrease of validation loss that counts as an improvement (default 0).</summary>
    public JsonElement? EarlyStoppingThreshold { get; set; }
    /// <summary>Batches per optimizer step (default 1).</summary>
    public JsonElement? GradientAccumulationSteps { get; set; }
    /// <summary>"fp32" (default) or "bf16": forward and backward in bf16 on fp32 master weights, fp32 AdamW state and
    /// loss; on a CPU with AVX512-BF16 about 1.3–1.9× the tokens/s of fp32 (BENCHMARKS.md).</summary>
    public JsonElement? Precision { get; set; }
    /// <summary>Pack several short examples into each sequence (decoder-only models; default false).</summary>
    public JsonElement? Packing { get; set; }
    /// <summary>Activation checkpointing per block: true, false or "auto" (default: on when the memory plan needs it).
    /// About a third more compute for activations that no longer grow with the number of layers.</summary>
    public JsonElement? GradientCheckpointing { get; set; }
    /// <summary>How LoRA's frozen base weights are stored: "none" (default), "nf4" (4-bit NormalFloat, QLoRA) or "int8". LoRA only.</summary>
    public JsonElement? Quantization { get; set; }
    /// <summary>"adamw" (default) or "adamw_8bit" (both moments stored blockwise in 8 bits: 2 bytes per parameter instead of 8).</summary>
    public JsonElement? Optimizer { get; set; }
    /// <summary>Step each block's weights as soon as their gradients are ready, so the whole model's gradients are never held
    /// (default false). Needs gradient_accumulation_steps 1 and no clipping: max_grad_norm defaults to 0 with it.</summary>
    public JsonElement? OptimizerInBackward { get; set; }
}
