using System.Text.Json.Serialization;
using System.Text.Json;
using TuningService.Core.Evaluation;
using TuningService.Core.FineTuning;
using TuningService.Core.MultiTask;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// The fine_tuning.job object: OpenAI's fields plus `progress`, `device` and the extensions the job was created with
/// (tasks, mixing, splits, test file, template, retention files, ICL shots). <c>result_files</c> holds the per-step
/// metrics CSV and the evaluation CSV.
/// </summary>
public sealed record FineTuningJobResponse(
    string Id, long CreatedAt, long? FinishedAt, long? EstimatedFinish, string Model, string? FineTunedModel,
    string OrganizationId, string Status, JobErrorResponse? Error, HyperparametersResponse Hyperparameters,
    MethodResponse Method, IReadOnlyList<string> ResultFiles, long? TrainedTokens, string TrainingFile,
    string? ValidationFile, int Seed, string? UserProvidedSuffix, IReadOnlyList<object> Integrations,
    Dictionary<string, string>? Metadata, ProgressResponse Progress, string? BestCheckpoint, string? Device,
    IReadOnlyList<JobTask>? Tasks, MixingRequestValues? Mixing, double? ValidationSplit, double? TestSplit, string? TestFile,
    JsonElement? Template, IReadOnlyList<string>? RetentionFiles, int? IclShots, string? ChatTemplate)
{
    public string Object => "fine_tuning.job";

    public static FineTuningJobResponse From(FineTuningJob job)
    {
        var requested = JsonSerializer.Deserialize<RequestedHyperparameters>(job.RequestedHyperparametersJson) ?? RequestedHyperparameters.Auto;
        var hyper = new HyperparametersResponse(
            job.NEpochs is { } e ? e : requested.NEpochs is { } re ? re : "auto",
            job.BatchSize is { } b ? b : requested.BatchSize is { } rb ? rb : "auto",
            job.LearningRateMultiplier is { } m ? m : requested.LearningRateMultiplier is { } rm ? rm : "auto",
            job.LearningRate ?? requested.LearningRate, requested.LrScheduler, requested.WarmupRatio, requested.WeightDecay,
            requested.MaxGradNorm, requested.MaxSeqLength, requested.TrainOnInputs, requested.TrainingType,
            requested.IsLora ? requested.LoraR : null, requested.IsLora ? requested.LoraAlpha : null,
            requested.IsLora ? requested.LoraDropout : null, requested.IsLora ? requested.LoraTargetModules : null,
            requested.EvalEverySteps, requested.CheckpointEverySteps, requested.EarlyStoppingPatience, requested.EarlyStoppingThreshold,
            requested.GradientAccumulationSteps, requested.Precision, requested.Packing)
        {
            GradientCheckpointing = requested.GradientCheckpointing switch { "true" => true, "false" => false, _ => "auto" },
            Quantization = requested.Quantization,
            Optimizer = requested.Optimizer,
            OptimizerInBackward = requested.OptimizerInBackward,
            // "auto" is 0.1 whatever the data; shown resolved once training starts, as the other three.
            Beta = requested.IsPreference ? (object?)requested.Beta ?? (job.NEpochs is null ? "auto" : RequestedHyperparameters.DefaultBeta) : null,
            LossType = requested.IsPreference ? requested.LossType : null,
            LabelSmoothing = requested.IsPreference ? requested.LabelSmoothing : null,
            Reference = requested.IsPreference ? requested.Reference : null,
        };
        // An estimate the job has already overrun is no estimate: shown as null. The official .NET client waits
        // (estimated_finish − now) before polling again, and a past time makes its WaitForCompletionAsync throw.
        var estimatedFinish = job.EstimatedFinish is { } estimate && estimate > Core.Common.Clock.Now() ? estimate : (long?)null;
        return new FineTuningJobResponse(
            job.Id, job.CreatedAt, job.FinishedAt, estimatedFinish, job.Model, job.FineTunedModel, job.Owner, job.Status,
            job.ErrorMessage is null ? null : new JobErrorResponse(job.ErrorCode ?? "error", job.ErrorMessage, job.ErrorParam),
            hyper, requested.IsPreference ? new MethodResponse(requested.Method, null, new DpoResponse(hyper)) : new MethodResponse(requested.Method, new SupervisedResponse(hyper), null),
            job.ResultFileId is null ? [] : [job.ResultFileId, JobEvaluationFile.IdFor(job.Id)], job.TrainedTokens, job.TrainingFileId, job.ValidationFileId,
            job.Seed, job.Suffix, [],
            job.MetadataJson is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(job.MetadataJson),
            new ProgressResponse(job.Phase, job.Step, job.TotalSteps, job.Epoch, job.TokensPerSecond), job.BestCheckpointId,
            job.Device,
            job.TasksJson is null ? null : JsonSerializer.Deserialize<List<JobTask>>(job.TasksJson),
            job.MixingJson is null ? null : JsonSerializer.Deserialize<MixingRequestValues>(job.MixingJson),
            job.ValidationSplit, job.TestSplit, job.TestFileId,
            job.TemplateJson is null ? null : JsonSerializer.Deserialize<JsonElement>(job.TemplateJson),
            job.RetentionFileIdsJson is null ? null : JsonSerializer.Deserialize<List<string>>(job.RetentionFileIdsJson), job.IclShots, job.ChatTemplate);
    }
}

public sealed record JobErrorResponse(string Code, string Message, string? Param);

/// <summary>
/// Each value is the resolved number once training starts, else what was asked for (a number or "auto").
/// <c>learning_rate</c> (an extension) is the peak rate actually used: the model's base rate × the multiplier, unless
/// given outright. The other extensions show their defaults when not given; max_seq_length null means the model's context.
/// </summary>
public sealed record HyperparametersResponse(object NEpochs, object BatchSize, object LearningRateMultiplier, double? LearningRate,
    string LrScheduler, double WarmupRatio, double WeightDecay, double MaxGradNorm, int? MaxSeqLength, bool TrainOnInputs,
    string TrainingType, int? LoraR, double? LoraAlpha, double? LoraDropout, IReadOnlyList<string>? LoraTargetModules,
    int EvalEverySteps, int CheckpointEverySteps, int EarlyStoppingPatience, double EarlyStoppingThreshold,
    int GradientAccumulationSteps, string Precision, bool Packing)
{
    /// <summary>true, false or "auto" (resolved by the memory plan when the job starts; its events say how).</summary>
    public object GradientCheckpointing { get; init; } = "auto";

    /// <summary>"none", "nf4" or "int8": how LoRA's frozen base weights are stored.</summary>
    public string Quantization { get; init; } = "none";

    /// <summary>"adamw" or "adamw_8bit".</summary>
    public string Optimizer { get; init; } = "adamw";

    /// <summary>The optimizer step taken per block in the backward pass.</summary>
    public bool OptimizerInBackward { get; init; }

    /// <summary>DPO jobs: β, the resolved number once training starts, else what was asked for (a number or "auto").</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Beta { get; init; }

    /// <summary>DPO jobs: "sigmoid" or "ipo".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LossType { get; init; }

    /// <summary>DPO jobs: conservative DPO's ε.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? LabelSmoothing { get; init; }

    /// <summary>DPO jobs: the reference model, "base" (the job's starting model).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Reference { get; init; }
}

/// <summary>OpenAI's method object: its type and that method's hyperparameters.</summary>
public sealed record MethodResponse(string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SupervisedResponse? Supervised,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DpoResponse? Dpo);

public sealed record DpoResponse(HyperparametersResponse Hyperparameters);

public sealed record SupervisedResponse(HyperparametersResponse Hyperparameters);

/// <summary>Phase: validating, loading_model, tokenizing, training, evaluating or saving while the job runs.</summary>
public sealed record ProgressResponse(string? Phase, int Step, int TotalSteps, int Epoch, double? TokensPerSecond);
