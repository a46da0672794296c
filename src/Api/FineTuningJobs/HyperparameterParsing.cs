using System.Text.Json;
using TuningService.Api.Infrastructure;
using TuningService.Core.FineTuning;

namespace TuningService.Api.FineTuningJobs;

/// <summary>Reads "number or auto" hyperparameters, answering 400 with the parameter's path when a value is wrong.</summary>
public static class HyperparameterParsing
{
    public static RequestedHyperparameters Parse(HyperparametersRequest? request, string paramPrefix)
    {
        if (request is null) return RequestedHyperparameters.Auto;
        var parsed = ParseValues(request, paramPrefix);
        return CheckMemorySettings(parsed, request, paramPrefix);
    }

    /// <summary>
    /// The memory settings' combinations: quantization stores frozen weights, so it is for LoRA; the optimizer step in
    /// the backward pass frees each gradient at once, so nothing can accumulate or clip them. max_grad_norm left out
    /// becomes 0 with it (the job's events say so).
    /// </summary>
    static RequestedHyperparameters CheckMemorySettings(RequestedHyperparameters parsed, HyperparametersRequest request, string paramPrefix)
    {
        if (parsed.Quantization != "none" && !parsed.IsLora)
            throw ApiException.BadRequest($"{paramPrefix}.quantization is for LoRA: full fine-tuning updates the weights it would quantize. " +
                "Set training_type to \"lora\" or leave quantization out.", $"{paramPrefix}.quantization");
        if (!parsed.OptimizerInBackward) return parsed;
        if (parsed.GradientAccumulationSteps > 1)
            throw ApiException.BadRequest($"{paramPrefix}.optimizer_in_backward steps each block's weights as soon as its gradients are ready, so gradients " +
                $"cannot accumulate over batches; set gradient_accumulation_steps to 1 (or raise batch_size instead) or leave optimizer_in_backward out.",
                $"{paramPrefix}.optimizer_in_backward");
        var maxGradNormGiven = request.MaxGradNorm is { ValueKind: not JsonValueKind.Null };
        if (maxGradNormGiven && parsed.MaxGradNorm > 0)
            throw ApiException.BadRequest($"{paramPrefix}.optimizer_in_backward takes each step before the other gradients exist, so the global norm " +
                $"max_grad_norm clips by cannot be known; set max_grad_norm to 0 or leave it out (it is then 0), or leave optimizer_in_backward out.",
                $"{paramPrefix}.max_grad_norm");
        return parsed with { MaxGradNorm = 0 };
    }

    static RequestedHyperparameters ParseValues(HyperparametersRequest request, string paramPrefix)
    {
        var defaults = RequestedHyperparameters.Auto;
        return new RequestedHyperparameters(
            Integer(request.NEpochs, $"{paramPrefix}.n_epochs", 1, 50),
            Integer(request.BatchSize, $"{paramPrefix}.batch_size", 1, 256),
            Number(request.LearningRateMultiplier, $"{paramPrefix}.learning_rate_multiplier", 0, 10))
        {
            LearningRate = Number(request.LearningRate, $"{paramPrefix}.learning_rate", 0, 1),
            LrScheduler = OneOf(request.LrScheduler, $"{paramPrefix}.lr_scheduler", ["linear", "cosine", "constant"]) ?? defaults.LrScheduler,
            WarmupRatio = Fixed(request.WarmupRatio, $"{paramPrefix}.warmup_ratio", 0, 1) ?? defaults.WarmupRatio,
            WeightDecay = Fixed(request.WeightDecay, $"{paramPrefix}.weight_decay", 0, 1) ?? defaults.WeightDecay,
            MaxGradNorm = Fixed(request.MaxGradNorm, $"{paramPrefix}.max_grad_norm", 0, 1000) ?? defaults.MaxGradNorm,
            MaxSeqLength = Integer(request.MaxSeqLength, $"{paramPrefix}.max_seq_length", 2, 1 << 20),
            TrainOnInputs = Boolean(request.TrainOnInputs, $"{paramPrefix}.train_on_inputs") ?? defaults.TrainOnInputs,
            TrainingType = OneOf(request.TrainingType, $"{paramPrefix}.training_type", ["full", "lora"]) ?? defaults.TrainingType,
            LoraR = Integer(request.LoraR, $"{paramPrefix}.lora_r", 1, 1024) ?? defaults.LoraR,
            LoraAlpha = Fixed(request.LoraAlpha, $"{paramPrefix}.lora_alpha", 1e-6, 1e6) ?? defaults.LoraAlpha,
            LoraDropout = Fixed(request.LoraDropout, $"{paramPrefix}.lora_dropout", 0, 0.99) ?? defaults.LoraDropout,
            LoraTargetModules = TargetModules(request.LoraTargetModules, $"{paramPrefix}.lora_target_modules"),
            EvalEverySteps = Integer(request.EvalEverySteps, $"{paramPrefix}.eval_every_steps", 0, 1_000_000) ?? defaults.EvalEverySteps,
            CheckpointEverySteps = Integer(request.CheckpointEverySteps, $"{paramPrefix}.checkpoint_every_steps", 0, 1_000_000) ?? defaults.CheckpointEverySteps,
            EarlyStoppingPatience = Integer(request.EarlyStoppingPatience, $"{paramPrefix}.early_stopping_patience", 0, 1000) ?? defaults.EarlyStoppingPatience,
            EarlyStoppingThreshold = Fixed(request.EarlyStoppingThreshold, $"{paramPrefix}.early_stopping_threshold", 0, 100) ?? defaults.EarlyStoppingThreshold,
            GradientAccumulationSteps = Integer(request.GradientAccumulationSteps, $"{paramPrefix}.gradient_accumulation_steps", 1, 1024) ?? defaults.GradientAccumulationSteps,
            Precision = OneOf(request.Precision, $"{paramPrefix}.precision", ["fp32", "bf16"]) ?? defaults.Precision,
            Packing = Boolean(request.Packing, $"{paramPrefix}.packing") ?? defaults.Packing,
            GradientCheckpointing = TrueFalseOrAuto(request.GradientCheckpointing, $"{paramPrefix}.gradient_checkpointing") ?? defaults.GradientCheckpointing,
            Quantization = OneOf(request.Quantization, $"{paramPrefix}.quantization", ["none", "nf4", "int8"]) ?? defaults.Quantization,
            Optimizer = OneOf(request.Optimizer, $"{paramPrefix}.optimizer", ["adamw", "adamw_8bit"]) ?? defaults.Optimizer,
            OptimizerInBackward = Boolean(request.OptimizerInBackward, $"{paramPrefix}.optimizer_in_backward") ?? defaults.OptimizerInBackward,
        };
    }

    /// <summary>true, false or "auto", kept as the text "true", "false" or "auto".</summary>
    static string? TrueFalseOrAuto(JsonElement? value, string param) => value?.ValueKind switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.String when value.Value.GetString() == "auto" => "auto",
        _ => throw ApiException.BadRequest($"{param} must be true, false or \"auto\", got {value.Value.GetRawText()}.", param),
    };

    /// <summary>method.dpo.hyperparameters: the supervised ones, DPO's loss settings, and the method recorded.</summary>
    public static RequestedHyperparameters ParseDpo(DpoHyperparametersRequest? request, string paramPrefix)
    {
        var parsed = Parse(request, paramPrefix) with { Method = RequestedHyperparameters.PreferenceMethod };
        if (request is null) return parsed;
        var lossType = OneOf(request.LossType, $"{paramPrefix}.loss_type", ["sigmoid", "ipo"]) ?? parsed.LossType;
        var labelSmoothing = Fixed(request.LabelSmoothing, $"{paramPrefix}.label_smoothing", 0, 0.4999) ?? parsed.LabelSmoothing;
        if (labelSmoothing > 0 && lossType != "sigmoid")
            throw ApiException.BadRequest($"{paramPrefix}.label_smoothing (conservative DPO) applies to loss_type \"sigmoid\" only; leave it out for \"{lossType}\".",
                $"{paramPrefix}.label_smoothing");
        if (parsed.TrainOnInputs)
            throw ApiException.BadRequest($"{paramPrefix}.train_on_inputs does not apply to DPO: it scores the answers only.", $"{paramPrefix}.train_on_inputs");
        if (parsed.Packing)
            throw ApiException.BadRequest($"{paramPrefix}.packing does not apply to DPO: each answer of a pair is a row of its own.", $"{paramPrefix}.packing");
        return parsed with
        {
            Beta = Number(request.Beta, $"{paramPrefix}.beta", 0, 100),
            LossType = lossType,
            LabelSmoothing = labelSmoothing,
            Reference = OneOf(request.Reference, $"{paramPrefix}.reference", ["base"]) ?? parsed.Reference,
        };
    }

    static IReadOnlyList<string>? TargetModules(JsonElement? value, string param)
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null) return null;
        if (value.Value.ValueKind == JsonValueKind.String && value.Value.GetString() == "all-linear") return ["all-linear"];
        if (value.Value.ValueKind == JsonValueKind.Array && value.Value.GetArrayLength() > 0
            && value.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString())))
            return value.Value.EnumerateArray().Select(e => e.GetString()!).ToList();
        throw ApiException.BadRequest($"{param} must be a non-empty array of layer names (e.g. [\"q_proj\", \"v_proj\"]) or \"all-linear\".", param);
    }

    /// <summary>A number in [min, max] (no "auto": these have fixed defaults).</summary>
    static double? Fixed(JsonElement? value, string param, double min, double max)
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null) return null;
        if (value.Value.ValueKind != JsonValueKind.Number)
            throw ApiException.BadRequest($"{param} must be a number, got {value.Value.GetRawText()}.", param);
        var x = value.Value.GetDouble();
        if (x < min || x > max) throw ApiException.BadRequest($"{param} must be between {min} and {max}, got {x}.", param);
        return x;
    }

    static string? OneOf(JsonElement? value, string param, string[] allowed)
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null) return null;
        if (value.Value.ValueKind == JsonValueKind.String && allowed.Contains(value.Value.GetString()))
            return value.Value.GetString();
        throw ApiException.BadRequest($"{param} must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, got {value.Value.GetRawText()}.", param);
    }

    static bool? Boolean(JsonElement? value, string param) => value?.ValueKind switch
    {
        null or JsonValueKind.Null => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw ApiException.BadRequest($"{param} must be true or false, got {value.Value.GetRawText()}.", param),
    };

    static int? Integer(JsonElement? value, string param, int min, int max)
    {
        if (IsAuto(value, param)) return null;
        if (value!.Value.ValueKind != JsonValueKind.Number || !value.Value.TryGetInt32(out var n))
            throw ApiException.BadRequest($"{param} must be an integer or \"auto\", got {value.Value.GetRawText()}.", param);
        if (n < min || n > max)
            throw ApiException.BadRequest($"{param} must be between {min} and {max}, got {n}.", param);
        return n;
    }

    static double? Number(JsonElement? value, string param, double exclusiveMin, double max)
    {
        if (IsAuto(value, param)) return null;
        if (value!.Value.ValueKind != JsonValueKind.Number)
            throw ApiException.BadRequest($"{param} must be a number or \"auto\", got {value.Value.GetRawText()}.", param);
        var x = value.Value.GetDouble();
        if (!(x > exclusiveMin && x <= max))
            throw ApiException.BadRequest($"{param} must be greater than {exclusiveMin} and at most {max}, got {x}.", param);
        return x;
    }

    static bool IsAuto(JsonElement? value, string param)
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null) return true;
        if (value.Value.ValueKind == JsonValueKind.String)
        {
            if (value.Value.GetString() == "auto") return true;
            throw ApiException.BadRequest($"{param} must be a number or \"auto\", got \"{value.Value.GetString()}\".", param);
        }
        return false;
    }
}
