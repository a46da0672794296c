using System.Text.Json;
using TuningService.Core.Datasets.Statistics;
using TuningService.Core.FineTuning.Memory;
using TuningService.Core.Lora;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Persistence;
using TuningService.Core.Templates;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;

namespace TuningService.Core.FineTuning;

/// <summary>
/// How a job's request becomes training: its files, its model setup, its trainer options and the key its tokens are
/// cached under. The worker (<see cref="FineTuningRecipe"/>), the dry run and the throughput calibration all use
/// these, so that a dry run plans exactly the steps and tokens a job then trains on.
/// </summary>
public static class JobTrainingConfiguration
{
    /// <summary>Every file a job reads: its training and validation files, or its tasks' files.</summary>
    public static List<string> FileIds(FineTuningJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var tasks = job.TasksJson is null ? [] : JsonSerializer.Deserialize<List<JobTask>>(job.TasksJson)!;
        return [.. new[] { job.TrainingFileId, job.ValidationFileId }.Concat(tasks.SelectMany(t => new[] { t.TrainingFile, t.ValidationFile }))
            .OfType<string>().Distinct()];
    }

    /// <summary>The model set up for full fine-tuning or LoRA as <paramref name="requested"/> says, with the DPO
    /// objective for a preference job.</summary>
    public static TrainingSetup Setup(LoadedModel loaded, ITextTokenizer tokenizer, RequestedHyperparameters requested, int seed)
    {
        ArgumentNullException.ThrowIfNull(requested);
        var setup = SupervisedSetup(loaded, tokenizer, requested, seed);
        if (!requested.IsPreference) return setup;
        if (setup.Objective.Model is not CausalLanguageModel causal)
            throw new TrainingDataException($"DPO (method.type \"dpo\") trains decoder-only models; '{loaded.Config.ModelType}' is an encoder-decoder model.");
        // The reference costs no second model: LoRA turns its adapters off, full fine-tuning scores every pair first.
        return setup with
        {
            Objective = new PreferenceObjective(causal, PreferenceOptions(requested),
                setup.Lora is null ? PreferenceReference.Precomputed : PreferenceReference.AdaptersDisabled),
        };
    }

    /// <summary>
    /// How a job holds its base weights: a LoRA job's frozen weights load straight in bf16 when it trains in bf16
    /// (training would round them to bf16 anyway) and quantized when it asks for `quantization`; full fine-tuning
    /// trains every weight, so it loads fp32 (its bf16 training keeps fp32 masters of all of them).
    /// </summary>
    public static WeightLoadOptions WeightLoading(RequestedHyperparameters requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (!requested.IsLora) return WeightLoadOptions.Fp32;
        return new WeightLoadOptions
        {
            Dtype = Enum.Parse<TrainingPrecision>(requested.Precision, ignoreCase: true) == TrainingPrecision.Bf16
                ? TorchSharp.torch.ScalarType.BFloat16 : TorchSharp.torch.ScalarType.Float32,
            Quantization = Enum.Parse<Quantization.WeightQuantization>(requested.Quantization, ignoreCase: true),
        };
    }

    /// <summary>DPO's loss settings, "auto" resolved.</summary>
    public static PreferenceLossOptions PreferenceOptions(RequestedHyperparameters requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        return new PreferenceLossOptions(requested.Beta ?? RequestedHyperparameters.DefaultBeta,
            requested.LossType == "ipo" ? PreferenceLossType.Ipo : PreferenceLossType.Sigmoid, requested.LabelSmoothing);
    }

    /// <summary>Whether the job trains on preference pairs (method.type "dpo").</summary>
    public static bool IsPreference(FineTuningJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (JsonSerializer.Deserialize<RequestedHyperparameters>(job.RequestedHyperparametersJson) ?? RequestedHyperparameters.Auto).IsPreference;
    }

    static TrainingSetup SupervisedSetup(LoadedModel loaded, ITextTokenizer tokenizer, RequestedHyperparameters requested, int seed)
    {
        return requested.IsLora
            ? TrainingSetup.ForLora(loaded, tokenizer, new LoraConfig
            {
                R = requested.LoraR, Alpha = requested.LoraAlpha, Dropout = requested.LoraDropout, TargetModules = requested.LoraTargetModules,
            }, seed, requested.MaxSeqLength, requested.TrainOnInputs)
            : TrainingSetup.For(loaded, tokenizer, requested.MaxSeqLength, requested.TrainOnInputs);
    }

    /// <summary>The trainer's options; of these the epochs, batch size, accumulation, packing and seed fix the steps.</summary>
    /// <param name="memory">The job's memory plan: it resolves gradient_checkpointing "auto", the heap's mode and the loss's
    /// chunks. Null (no safetensors headers to plan from): checkpointing only when asked, the heap kept, the loss whole.</param>
    public static TrainingOptions Options(RequestedHyperparameters requested, ResolvedHyperparameters hyper, int seed, string device, MemoryPlan? memory = null)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(hyper);
        return new TrainingOptions
        {
            Epochs = hyper.NEpochs, BatchSize = hyper.BatchSize, LearningRate = hyper.LearningRate, Seed = seed, Device = device,
            Schedule = Enum.Parse<ScheduleShape>(requested.LrScheduler, ignoreCase: true), WarmupRatio = requested.WarmupRatio,
            WeightDecay = requested.WeightDecay, MaxGradNorm = requested.MaxGradNorm,
            EvalEverySteps = requested.EvalEverySteps, CheckpointEverySteps = requested.CheckpointEverySteps,
            EarlyStoppingPatience = requested.EarlyStoppingPatience, EarlyStoppingThreshold = requested.EarlyStoppingThreshold,
            GradientAccumulationSteps = requested.GradientAccumulationSteps,
            Precision = Enum.Parse<TrainingPrecision>(requested.Precision, ignoreCase: true),
            Packing = requested.Packing,
            GradientCheckpointing = memory?.GradientCheckpointing ?? requested.GradientCheckpointing == "true",
            LossChunkPositions = memory?.LossChunkPositions ?? 0,
            KeepFreedMemory = memory?.KeepFreedMemory ?? true,
            Optimizer = JobMemoryInputs.Optimizer(requested.Optimizer),
            OptimizerInBackward = requested.OptimizerInBackward,
        };
    }

    /// <summary>
    /// Everything a file's tokens depend on besides the file and the tokenizer files (the cache hashes those): the
    /// objective, the context, train_on_inputs, and the template's phrasings with the seed that picks among them.
    /// </summary>
    public static string TokenCacheKey(bool encoderDecoder, int contextLength, bool trainOnInputs, JobTemplate? template, int seed, ChatFormatting.ChatFormat? chat = null) =>
        TrainingFraming.Key(encoderDecoder, contextLength, trainOnInputs)
        + (template is null ? "" : $":template={template.Fingerprint()}:seed={seed}")
        + (chat is null || chat.IsPlain ? "" : $":chat={chat.Fingerprint}");
}
