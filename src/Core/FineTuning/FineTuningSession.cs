using System.Text;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using TuningService.Core.Catalog;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Persistence;
using TuningService.Core.Templates;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;

namespace TuningService.Core.FineTuning;

/// <summary>
/// One training run of a job: load the model (the base, or a checkpoint to resume from) and tokenizer, read and
/// tokenize the files (multi-task: mixed), resolve "auto", train (full or LoRA) with checkpoints as the trainer
/// offers them, then register the fine-tuned model and the metrics result file.
/// </summary>
public sealed class FineTuningSession(IServiceScopeFactory scopes, DataPaths paths, ModelCatalog catalog, TokenizedDatasetCache tokenizedCache,
    TuningOptions tuning)
{
    /// <summary>Tokenizer and generation files copied from the base model into every checkpoint.</summary>
    static readonly string[] TokenizerFileNames =
        ["tokenizer.model", "spiece.model", "tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json",
         "special_tokens_map.json", "added_tokens.json", "generation_config.json"];

    /// <param name="resume">The checkpoint to continue from (after a pause or a lost worker), or null to start fresh.</param>
    /// <param name="isPausing">True once a pause was asked for: the checkpoint of the stop is then kept.</param>
    public async Task<TrainingOutcome> TrainAsync(FineTuningJob job, JobCheckpoint? resume, Func<bool> isPausing, CancellationToken ct)
    {
        CatalogModel baseModel;
        Dictionary<string, StoredFile> files;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
            baseModel = await catalog.FindAsync(db, job.Model, job.Owner, ct)
                ?? throw new TrainingDataException($"The model '{job.Model}' is no longer available.");
            var ids = JobTrainingConfiguration.FileIds(job);
            files = await db.Files.AsNoTracking().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct);
            if (ids.FirstOrDefault(id => !files.ContainsKey(id)) is { } missing)
                throw new TrainingDataException($"The file {missing} was deleted.");
        }

        var device = TrainingDevice.Select();
        await SetPhaseAsync(job.Id, JobPhase.LoadingModel, ct);
        var requested = System.Text.Json.JsonSerializer.Deserialize<RequestedHyperparameters>(job.RequestedHyperparametersJson) ?? RequestedHyperparameters.Auto;
        var resumeFolder = resume is null ? null : paths.Resolve(resume.RelativePath);
        // Full fine-tuning resumes from the checkpoint's weights; LoRA from the base with the checkpoint's adapters.
        using var loaded = PretrainedModelLoader.Load(resumeFolder is not null && !requested.IsLora ? resumeFolder : baseModel.Directory, torch.device(device));
        var tokenizer = TokenizerLoader.FromModelFolder(baseModel.Directory);
        var setup = JobTrainingConfiguration.Setup(loaded, tokenizer, requested, job.Seed);
        var exampleTokenizer = setup.Examples;
        if (resumeFolder is not null && setup.Lora is not null)
            LoraAdapterRestore.CopyInto(loaded.Model, Path.Combine(resumeFolder, CheckpointLayout.AdapterFolder));

        // Records go through the job's template, if any; its phrasing per record depends on the seed.
        var template = JobTemplate.FromJson(job.TemplateJson);
        IReadOnlyList<TrainingExample> Read(StoredFile file) => TemplateRenderer.ReadExamples(paths.Resolve(file.RelativePath), file, template, job.Seed);
        var framing = JobTrainingConfiguration.TokenCacheKey(setup.Objective is Seq2SeqObjective, setup.ContextLength, requested.TrainOnInputs, template, job.Seed);
        await SetPhaseAsync(job.Id, JobPhase.Tokenizing, ct);
        var data = JobTrainingDataBuilder.Build(job, files, Read, file =>
        {
            var dataset = tokenizedCache.GetOrCreate(file.Sha256, baseModel.Directory, framing,
                () => exampleTokenizer.TokenizeAll(Pairs(Read(file))), out var cached);
            return (dataset, cached);
        });
        var train = data.Train;
        var validation = data.Validation;

        var (hyper, explanations) = HyperparameterResolver.Resolve(requested, train.Examples.Count, loaded.ParameterCount);
        var options = JobTrainingConfiguration.Options(requested, hyper, job.Seed, device);
        if (requested.Packing && setup.Objective is Seq2SeqObjective)
            throw new TrainingDataException("packing is for decoder-only models; an encoder-decoder model reads each prompt on its own.");
        // The recorder needs the step count; the trainer computes it (packed epochs depend on the example lengths).
        var totalSteps = new SupervisedTrainer(setup.Objective, options, NoObserver.Instance).PlannedSteps(train.Examples, exampleTokenizer.PaddingId);
        var trainedTokens = (long)hyper.NEpochs * train.Examples.Sum(e => (long)e.Length);
        var fineTunedId = $"ft:{baseModel.RootBaseModel}:{job.Suffix}:{job.Id}";

        await RecordStartAsync(job.Id, hyper, totalSteps, device, explanations, [
            $"Base model {baseModel.Id} ({loaded.Config.ModelType}): {loaded.ParameterCount:N0} parameters, context of {setup.ContextLength} tokens.",

            setup.Lora is { } lora
                ? $"LoRA: r={lora.Config.R}, lora_alpha={lora.Config.Alpha}, lora_dropout={lora.Config.Dropout} on {lora.WrappedModules.Count} layers " +
                  $"({string.Join(", ", lora.WrappedModules.Select(m => m.Split('.')[^1]).Distinct())}); {lora.TrainableParameterCount:N0} trainable parameters " +
                  $"({100.0 * lora.TrainableParameterCount / loaded.ParameterCount:F2}% of {loaded.ParameterCount:N0}), the rest frozen."
                : $"Full fine-tuning: all {loaded.ParameterCount:N0} parameters are trained.",
            $"Optimiser: AdamW (betas {FusedAdamW.Beta1}, {FusedAdamW.Beta2}, eps {FusedAdamW.Epsilon}), lr_scheduler={requested.LrScheduler}, warmup_ratio={requested.WarmupRatio}, weight_decay={requested.WeightDecay}, " +
            $"max_grad_norm={requested.MaxGradNorm}; max_seq_length={setup.ContextLength}; train_on_inputs={requested.TrainOnInputs.ToString().ToLowerInvariant()}" +
            (requested.TrainOnInputs && setup.Objective is Seq2SeqObjective ? " (no effect on an encoder-decoder model: its input is not predicted)." : "."),
            .. data.Notes,
        ], ct);

        // Before training: the base model (as loaded, unless this attempt resumes) and the ICL baseline on the test and retention data.
        var evaluation = await JobEvaluator.CreateAsync(scopes, paths, catalog, job, baseModel, tokenizer, Read, framing, data,
            EvaluationSettings.Default with { MaxGeneratedExamples = tuning.EvaluationMaxGeneratedExamples }, ct);
        await SetPhaseAsync(job.Id, JobPhase.Evaluating, ct);
        await evaluation.EvaluateBaseAsync(resume is null ? setup : null, () =>
        {
            var bare = PretrainedModelLoader.Load(baseModel.Directory, torch.device(device));
            return (TrainingSetup.For(bare, tokenizer, requested.MaxSeqLength, requested.TrainOnInputs), bare);
        }, ct);
        await SetPhaseAsync(job.Id, JobPhase.Training, ct);

        var tokenizerFiles = TokenizerFileNames.Select(n => Path.Combine(baseModel.Directory, n)).Where(File.Exists).ToList();
        var resumeState = resumeFolder is null ? null : TrainingResumeState.Load(Path.Combine(resumeFolder, JobProgressRecorder.TrainingStateFolder));
        var recorder = new JobProgressRecorder(scopes, paths, job, loaded.Model, loaded.Config, tokenizerFiles, fineTunedId, totalSteps,
            new JobRecorderOptions(resumeState?.State.Step ?? 0, tuning.KeepCheckpoints, isPausing,
                setup.Lora is { } adapters ? folder => adapters.SaveAdapter(Path.Combine(folder, CheckpointLayout.AdapterFolder), baseModel.RootBaseModel) : null,
                data.IsMultiTask ? () => PerTaskMetrics.Evaluate(setup.Objective, exampleTokenizer.PaddingId, data, ct) : null,
                job.BestCheckpointId, checkpoint => evaluation.EvaluateCheckpoint(setup, checkpoint, ct)));
        if (resume is not null)
            await LogAsync(job.Id, $"Resuming from checkpoint {resume.Id} at step {resume.StepNumber} (weights, optimizer, schedule and data position).", ct);

        var trainer = new SupervisedTrainer(setup.Objective, options, recorder);
        var result = await ComputeThread.Run(() => trainer.Train(train.Examples, validation?.Examples, exampleTokenizer.PaddingId, ct, resumeState), ct);
        // The trainer returns on cancellation; the job runner expects the exception.
        if (result.StopReason == TrainingStopReason.Cancelled) throw new OperationCanceledException(ct);
        if (result.StopReason == TrainingStopReason.EarlyStopping)
            await LogAsync(job.Id, $"Early stopping at step {result.Step} of {totalSteps}: {result.StopDetail}", CancellationToken.None);

        await SetPhaseAsync(job.Id, JobPhase.Evaluating, ct);
        await evaluation.EvaluateFineTunedAsync(setup, fineTunedId, ct);

        var final = recorder.LastCheckpoint ?? throw new InvalidOperationException("Training ended without a checkpoint.");
        // Training is done: record its results whatever happens to the token now, so nothing is half-registered.
        await SetPhaseAsync(job.Id, JobPhase.Saving, CancellationToken.None);
        var resultFileId = await RegisterResultsAsync(job, baseModel, fineTunedId, final, CancellationToken.None);
        return new TrainingOutcome(fineTunedId, trainedTokens, resultFileId);
    }

    async Task LogAsync(string jobId, string message, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        db.JobEvents.Add(JobEvents.Message(jobId, message));
        await db.SaveChangesAsync(ct);
    }

    async Task SetPhaseAsync(string jobId, string phase, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u.SetProperty(j => j.Phase, phase), ct);
    }

    static IEnumerable<(string Prompt, string Completion)> Pairs(IEnumerable<TrainingExample> examples) =>
        examples.Select(e => (e.Prompt, e.Completion));

    async Task RecordStartAsync(string jobId, ResolvedHyperparameters hyper, int totalSteps, string device,
        IEnumerable<string> explanations, IEnumerable<string> dataNotes, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.NEpochs, hyper.NEpochs).SetProperty(j => j.BatchSize, hyper.BatchSize)
            .SetProperty(j => j.LearningRateMultiplier, hyper.LearningRateMultiplier).SetProperty(j => j.LearningRate, hyper.LearningRate)
            .SetProperty(j => j.TotalSteps, totalSteps).SetProperty(j => j.Device, device).SetProperty(j => j.Phase, JobPhase.Training), ct);
        db.JobEvents.Add(JobEvents.Message(jobId, $"Training on {TrainingDevice.Describe(device)}."));
        foreach (var line in dataNotes.Concat(explanations)) db.JobEvents.Add(JobEvents.Message(jobId, line));
        db.JobEvents.Add(JobEvents.Message(jobId,
            $"Hyperparameters: n_epochs={hyper.NEpochs}, batch_size={hyper.BatchSize}, learning_rate_multiplier={hyper.LearningRateMultiplier}, " +
            $"learning_rate={hyper.LearningRate:G3}; {totalSteps} steps in all."));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The last checkpoint becomes the fine-tuned model; the step metrics become a fine-tune-results CSV file.</summary>
    async Task<string> RegisterResultsAsync(FineTuningJob job, CatalogModel baseModel, string fineTunedId, JobCheckpoint final, CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        var points = await db.Metrics.AsNoTracking().Where(m => m.JobId == job.Id).OrderBy(m => m.Step).ToListAsync(ct);
        var csv = Encoding.UTF8.GetBytes(MetricsCsv.Write(points));
        var fileId = Ids.New("file");
        var relative = DataPaths.FileRelativePath(fileId);
        var tempPath = Path.Combine(paths.Temp, fileId);
        await File.WriteAllBytesAsync(tempPath, csv, ct);
        File.Move(tempPath, paths.EnsureParent(relative));
        db.Files.Add(new StoredFile
        {
            Id = fileId, Owner = job.Owner, Filename = "step_metrics.csv", Purpose = "fine-tune-results", Bytes = csv.Length,
            CreatedAt = Clock.Now(), Sha256 = Convert.ToHexStringLower(SHA256.HashData(csv)), RelativePath = relative,
        });
        db.FineTunedModels.Add(new FineTunedModel
        {
            Id = fineTunedId, Owner = job.Owner, BaseModel = baseModel.RootBaseModel, JobId = job.Id, CreatedAt = Clock.Now(),
            RelativePath = final.RelativePath,
        });
        await JobEvaluationFile.AddAsync(db, paths, job, ct);
        await db.SaveChangesAsync(ct);
        return fileId;
    }
}
