using TuningService.Core.FineTuning;

namespace TuningService.Bench.MemoryBench;

/// <summary>One measured configuration: a model shape, the batch and the job's hyperparameters as the API would hold them.</summary>
/// <param name="Model">"tinyllama" or a FineTuneBench shape ("llama", "t5", "gpt2").</param>
/// <param name="TargetLength">Decoder positions (T5: the target); <paramref name="InputLength"/> is T5's encoder input (0 otherwise).</param>
public sealed record MemoryConfig(string Name, string Model, int Batch, int InputLength, int TargetLength, RequestedHyperparameters Requested)
{
    static readonly RequestedHyperparameters Full = RequestedHyperparameters.Auto with { GradientCheckpointing = "false" };
    static readonly RequestedHyperparameters Lora = Full with { TrainingType = "lora" };

    /// <summary>Issue 16's targets on the 1.1B shape, then FineTuneBench's shapes (batch 8 × 128; T5 128 in, 32 out, r 8 default targets).</summary>
    public static IReadOnlyList<MemoryConfig> All { get; } =
    [
        new("tinyllama-lora-bf16-ckpt", "tinyllama", 4, 0, 512,
            Lora with { LoraR = 16, LoraTargetModules = ["all-linear"], Precision = "bf16", GradientCheckpointing = "true" }),
        new("tinyllama-lora-nf4-ckpt", "tinyllama", 4, 0, 512,
            Lora with { LoraR = 16, LoraTargetModules = ["all-linear"], Precision = "bf16", GradientCheckpointing = "true", Quantization = "nf4" }),
        new("tinyllama-full-8bit-inbackward-ckpt", "tinyllama", 4, 0, 512,
            Full with { Precision = "bf16", GradientCheckpointing = "true", Optimizer = "adamw_8bit", OptimizerInBackward = true, MaxGradNorm = 0 }),
        // Small enough for a shared 24 GiB machine before checkpointing and the lighter loader exist: its peak is the loading.
        new("tinyllama-lora-bf16-1x512", "tinyllama", 1, 0, 512,
            Lora with { LoraR = 16, LoraTargetModules = ["all-linear"], Precision = "bf16" }),
        new("llama-full-fp32", "llama", 8, 0, 128, Full),
        new("llama-lora-fp32", "llama", 8, 0, 128, Lora),
        new("llama-full-bf16", "llama", 8, 0, 128, Full with { Precision = "bf16" }),
        new("llama-lora-bf16", "llama", 8, 0, 128, Lora with { Precision = "bf16" }),
        new("t5-full-fp32", "t5", 8, 128, 32, Full),
        new("t5-lora-fp32", "t5", 8, 128, 32, Lora),
        new("t5-full-bf16", "t5", 8, 128, 32, Full with { Precision = "bf16" }),
        new("t5-lora-bf16", "t5", 8, 128, 32, Lora with { Precision = "bf16" }),
    ];

    public static MemoryConfig Named(string name) => All.FirstOrDefault(c => c.Name == name)
        ?? throw new ArgumentException($"Unknown configuration '{name}'; use one of {string.Join(", ", All.Select(c => c.Name))}.", nameof(name));
}
