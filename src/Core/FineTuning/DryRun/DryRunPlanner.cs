using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Datasets;
using TuningService.Core.Datasets.Statistics;
using TuningService.Core.Files;
using TuningService.Core.FineTuning.Memory;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Persistence;
using TuningService.Core.Templates;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning.DryRun;

/// <summary>
/// Plans a job as the worker would run it, without running it: reads and tokenizes its files with the recipe's own
/// <see cref="FineTuningRecipe.SetUpData"/> (so the job later finds the tokens cached), resolves "auto" and counts
/// steps with <see cref="FineTuningRecipe.PlanTraining"/>, and estimates the duration from a measured throughput. Loads no weights unless it must
/// calibrate.
/// </summary>
public sealed class DryRunPlanner(DataPaths paths, TokenizedDatasetCache tokenizedCache, ModelSizes sizes, TrainingThroughputCalibrator calibrator,
    TuningOptions tuning)
{
    /// <summary>Fewer examples than this get a warning (OpenAI asks for at least 10).</summary>
    public const int TinyDatasetExamples = 10;

    /// <param name="job">The job as the create would insert it (not inserted).</param>
    /// <param name="model">The job's model from the catalog.</param>
    /// <exception cref="JobWouldFailException">The worker would fail this job; the message says why.</exception>
    public async Task<DryRunPlan> PlanAsync(TuningDbContext db, FineTuningJob job, CatalogModel model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(model);
        var requested = JsonSerializer.Deserialize<RequestedHyperparameters>(job.RequestedHyperparametersJson) ?? RequestedHyperparameters.Auto;
        var framing = FramingOf(model, requested);
        if (requested.Packing && framing.IsEncoderDecoder)
            throw new JobWouldFailException("packing is for decoder-only models; an encoder-decoder model reads each prompt on its own.",
                "method.supervised.hyperparameters.packing");

        var (data, split) = await ReadDataAsync(db, job, model, framing, ct);
        var train = data.Train.Examples;
        var device = TrainingDevice.Select();
        var objective = new PlanningObjective(framing);
        var paddingId = framing.Examples.PaddingId;
        var training = PlanTraining(job, model, requested, device, objective, train, paddingId);
        var (hyper, explanations, options, totalSteps, _) = training;
        if (totalSteps == 0)
            throw new JobWouldFailException("No training example has a completion token to learn.", "training_file");
        var firstEpochSteps = new SupervisedTrainer(objective, options with { Epochs = 1 }, NoObserver.Instance).PlannedSteps(train, paddingId);

        var tokensPerEpoch = train.Sum(e => (long)e.Length);
        var validationExamples = data.Validation?.Examples.Count ?? 0;
        var truncated = train.Count(e => e.WasTruncated);
        var estimate = await EstimateAsync(db, model, requested, hyper, job.Seed, device, train, framing, ct);
        var warnings = Warnings(job, requested, hyper, data, train, truncated, framing, totalSteps, validationExamples);
        return new DryRunPlan(hyper, explanations, train.Count, validationExamples,
            split?.Part(SplitNames.Validation)?.Indices.Count ?? 0, split?.Part(SplitNames.Test)?.Indices.Count ?? 0,
            tokensPerEpoch, hyper.NEpochs * tokensPerEpoch, firstEpochSteps, totalSteps, truncated, framing.ContextLength,
            [.. data.TrainByTask.Select(t => new TaskCount(t.Name, t.Examples.Count, t.Examples.Sum(e => (long)e.Length)))],
            warnings, data.Notes, estimate) { Memory = training.Memory };
    }

    /// <summary>
    /// The job's memory plan alone, as the create checks it: the data read and tokenized as the job will (cached for
    /// it), "auto" resolved, no throughput measured. Null when the model's shapes cannot be read (PyTorch pickles) or
    /// the data cannot be used (the job then fails in the worker with the reason, as before).
    /// </summary>
    public async Task<MemoryPlan?> PlanMemoryAsync(TuningDbContext db, FineTuningJob job, CatalogModel model, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(model);
        var requested = JsonSerializer.Deserialize<RequestedHyperparameters>(job.RequestedHyperparametersJson) ?? RequestedHyperparameters.Auto;
        // Without safetensors headers there is nothing to plan from, and loading the model to count it is not a create's work.
        if (FineTuningRecipe.MemoryBudgetOf(model.Directory, tuning) is not { } budget) return null;
        try
        {
            var framing = FramingOf(model, requested);
            var (data, _) = await ReadDataAsync(db, job, model, framing, ct);
            var train = data.Train.Examples;
            if (train.Count == 0) return null;
            return FineTuningRecipe.PlanTraining(requested, job.Seed, TrainingDevice.Select(), budget.Shape.Parameters, new PlanningObjective(framing), train,
                framing.Examples.PaddingId, budget).Memory;
        }
        catch (JobWouldFailException)
        {
            return null;
        }
    }

    TrainingPlan PlanTraining(FineTuningJob job, CatalogModel model, RequestedHyperparameters requested, string device, PlanningObjective objective,
        IReadOnlyList<TokenizedExample> train, int paddingId) =>
        FineTuningRecipe.PlanTraining(requested, job.Seed, device, ParameterCount(model), objective, train, paddingId,
            FineTuningRecipe.MemoryBudgetOf(model.Directory, tuning));

    static TrainingFraming FramingOf(CatalogModel model, RequestedHyperparameters requested)
    {
        try
        {
            return TrainingFraming.ForModel(model.Directory, requested.MaxSeqLength, requested.TrainOnInputs);
        }
        catch (Exception e) when (e is NotSupportedException or InvalidDataException or IOException or ArgumentException)
        {
            throw new JobWouldFailException($"Model '{model.Id}' cannot be fine-tuned here: {e.Message}", "model");
        }
    }

    /// <summary>
    /// The job's files read, rendered through its template, split (validation_split/test_split) and tokenized as the
    /// session does it: the same builder and the same cache key, so the tokens made here are the ones the job will
    /// read back. The split's plan comes too, for the held-out counts (null when the job holds nothing out).
    /// </summary>
    async Task<(JobTrainingData Data, SplitPlan? Split)> ReadDataAsync(TuningDbContext db, FineTuningJob job, CatalogModel model, TrainingFraming framing, CancellationToken ct)
    {
        var ids = JobTrainingConfiguration.FileIds(job);
        var files = await db.Files.AsNoTracking().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
        JobTemplate? template;
        try
        {
            template = JobTemplate.FromJson(job.TemplateJson);
        }
        catch (TemplateException e)
        {
            throw new JobWouldFailException(e.Message, "template");
        }
        ChatFormatting.ChatFormat? chat;
        try
        {
            chat = JobChatFormat.For(job, model.Directory, framing.Tokenizer, framing.IsEncoderDecoder);
        }
        catch (TrainingDataException e)
        {
            throw new JobWouldFailException(e.Message, "chat_template");
        }
        var cacheKey = JobTrainingConfiguration.TokenCacheKey(framing.IsEncoderDecoder, framing.ContextLength, framing.TrainOnInputs, template, job.Seed, chat);
        try
        {
            var (data, read, _) = FineTuningRecipe.SetUpData(paths, tokenizedCache, job, files, template, chat, model.Directory, framing.Examples, cacheKey);
            // The builder made this very plan (same examples, seed and shares); it is asked again only for its counts.
            var split = JobDataSplit.Applies(job) ? JobDataSplit.Plan(job, read(files[job.TrainingFileId])) : null;
            return (data, split);
        }
        catch (Exception e) when (e is InvalidDataException or TrainingDataException or ArgumentException)
        {
            throw new JobWouldFailException($"The training data cannot be used: {e.Message}", job.TasksJson is null ? "training_file" : "tasks");
        }
    }

    /// <summary>
    /// The stored weights' element count (safetensors headers), which only decides the small/large base learning
    /// rate (100M); without safetensors the model is loaded once to count.
    /// </summary>
    long ParameterCount(CatalogModel model)
    {
        if (sizes.Of(model.Directory) is { } summary) return summary.Parameters;
        using var loaded = PretrainedModelLoader.Load(model.Directory, TorchSharp.torch.CPU);
        return loaded.ParameterCount;
    }

    /// <summary>Tokens to train on over a measured throughput: finished jobs first, else a calibration run.</summary>
    async Task<DurationEstimate> EstimateAsync(TuningDbContext db, CatalogModel model, RequestedHyperparameters requested, ResolvedHyperparameters hyper,
        int seed, string device, IReadOnlyList<TokenizedExample> train, TrainingFraming framing, CancellationToken ct)
    {
        // The trainer's tokens/s counts real input tokens, plus the target of an encoder-decoder model.
        var throughputTokens = hyper.NEpochs * train.Sum(e => (long)e.Length + (framing.IsEncoderDecoder ? e.Labels.Length : 0));
        if (await FinishedJobThroughput.FindAsync(db, model.RootBaseModel, requested.TrainingType, device, ct) is { } observed)
            return new DurationEstimate(throughputTokens / observed.TokensPerSecond, observed.TokensPerSecond, DurationEstimate.FinishedJobs,
                $"Median tokens/s of the last {observed.Jobs} succeeded {requested.TrainingType} job(s) on {model.RootBaseModel} on {device} " +
                $"({observed.Slowest:F0} to {observed.Fastest:F0} tokens/s).");
        var measurement = await calibrator.MeasureAsync(model.Directory, requested, hyper.BatchSize, hyper.LearningRate, seed, device, train, ct);
        return new DurationEstimate(throughputTokens / measurement.TokensPerSecond, measurement.TokensPerSecond, DurationEstimate.Calibration,
            $"No succeeded {requested.TrainingType} job on {model.RootBaseModel} on {device} yet: measured over a few training steps " +
            $"({measurement.Shape}){(measurement.Cached ? ", measured earlier" : "")}.");
    }

    static List<string> Warnings(FineTuningJob job, RequestedHyperparameters requested, ResolvedHyperparameters hyper, JobTrainingData data,
        IReadOnlyList<TokenizedExample> train, int truncated, TrainingFraming framing, int totalSteps,
        int validationExamples)
    {
        var warnings = new List<string>();
        if (validationExamples == 0)
            warnings.Add("No validation data (validation_file or validation_split): validation loss will not be reported and the best checkpoint is the last one." +
                         (requested.EarlyStoppingPatience > 0 ? " early_stopping_patience has nothing to watch and will never stop the job." : ""));
        if (truncated > 0)
            warnings.Add($"{truncated} of {train.Count} training examples exceed max_seq_length={framing.ContextLength} and will be truncated " +
                         "(the start of the prompt is dropped first).");
        if (data.Validation is { } v && v.Examples.Count(e => e.WasTruncated) is > 0 and var vt)
            warnings.Add($"{vt} of {v.Examples.Count} validation examples exceed max_seq_length={framing.ContextLength} and will be truncated.");
        if (train.Count < TinyDatasetExamples)
            warnings.Add($"Only {train.Count} training examples: expect the model to memorise them; {TinyDatasetExamples} or more are recommended.");
        if (requested.BatchSize is { } asked && asked > hyper.BatchSize)
            warnings.Add($"batch_size={asked} is more than the {train.Count} training examples; batches hold {train.Count} at most.");
        if (totalSteps < 10)
            warnings.Add($"Only {totalSteps} optimizer steps in all: warmup and decay have little room; consider more epochs or a smaller batch.");
        if (requested.Packing)
            warnings.Add($"With packing the step count depends on the seed (seed {job.Seed} was used here); pass the same seed to the real job for the same plan.");
        return warnings;
    }
}
