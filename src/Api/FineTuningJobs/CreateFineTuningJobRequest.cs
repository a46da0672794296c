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
}

public sealed class MethodRequest
{
    /// <example>supervised</example>
    public string? Type { get; set; }
    public SupervisedMethodRequest? Supervised { get; set; }
}

public sealed class SupervisedMethodRequest
{
    public HyperparametersRequest? Hyperparameters { get; set; }
}

/// <summary>Each value is a number or the string "auto".</summary>
public sealed class HyperparametersRequest
{
    public JsonElement? NEpochs { get; set; }
    public JsonElement? BatchSize { get; set; }
    public JsonElement? LearningRateMultiplier { get; set; }
}
