using System.Text;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using TorchSharp;
using TuningService.Core.Catalog;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.FineTuning.Checkpoints;
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
public sealed class FineTuningSession(DataPaths paths, CheckpointStore store, ModelCatalog catalog, TokenizedDatasetCache tokenizedCache,
    TuningOptions tuning)
{
    /// <summary>Tokenizer and generation files copied from the base model into every checkpoint.</summary>
    static readonly string[] TokenizerFileNames =
        ["tokenizer.model", "spiece.model", "tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json",
         "special_tokens_map.json", "added_tokens.json", "generation_config.json"];

    /// <param name="resume">The checkpoint to continue from (after a pause or a lost worker), or null to start fresh.</param>
    /// <param name="database">The job's fenced database access (see <see cref="JobDatabase"/>).</param>
    /// <param name="earlierCheckpoints">Checkpoints of earlier attempts still kept (the resume's among them).</param>
    /// <param name="keepsStopCheckpoint">True once a pause or a graceful shutdown was asked for: the checkpoint of the stop is then kept.</param>
    public async Task<TrainingOutcome> TrainAsync(JobDatabase database, FineTuningJob job, JobCheckpoint? resume, IReadOnlyList<JobCheckpoint> earlierCheckpoints,
        Func<bool> keepsStopCheckpoint, CancellationToken ct)
    {
        var baseModel = await database.ReadAsync((db, c) => catalog.FindAsync(db, job.Model, job.Owner, c), ct)
            ?? throw new TrainingDataException($"The model '{job.Model}' is no longer available.");
        var ids = JobTrainingConfiguration.FileIds(job);
        var files = await database.ReadAsync((db, c) => db.Files.AsNoTracking().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, c), ct);
        if (ids.FirstOrDefault(id => !files.ContainsKey(id)) is { } missing)
            throw new TrainingDataException($"The file {missing} was deleted.");

        var device = TrainingDevice.Select();
        await SetPhaseAsync(database, JobPhase.LoadingModel);
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
        await SetPhaseAsync(database, JobPhase.Tokenizing);
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

        await RecordStartAsync(database, hyper, totalSteps, device, explanations, [
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
        var evaluation = await JobEvaluator.CreateAsync(database, paths, catalog, job, baseModel, tokenizer, Read, framing, data,
            EvaluationSettings.Default with { MaxGeneratedExamples = tuning.EvaluationMaxGeneratedExamples }, ct);
        await SetPhaseAsync(database, JobPhase.Evaluating);
        await evaluation.EvaluateBaseAsync(resume is null ? setup : null, () =>
        {
            var bare = PretrainedModelLoader.Load(baseModel.Directory, torch.device(device));
            return (TrainingSetup.For(bare, tokenizer, requested.MaxSeqLength, requested.TrainOnInputs), bare);
        }, ct);
        await SetPhaseAsync(database, JobPhase.Training);

        var tokenizerFiles = TokenizerFileNames.Select(n => Path.Combine(baseModel.Directory, n)).Where(File.Exists).ToList();
        var resumeState = resumeFolder is null ? null : TrainingResumeState.Load(Path.Combine(resumeFolder, JobProgressRecorder.TrainingStateFolder));
        var recorder = new JobProgressRecorder(database, store, job, loaded.Model, loaded.Config, tokenizerFiles, fineTunedId, totalSteps,
            new JobRecorderOptions(resumeState?.State.Step ?? 0, tuning.KeepCheckpoints, keepsStopCheckpoint,
                setup.Lora is { } adapters ? folder => adapters.SaveAdapter(Path.Combine(folder, CheckpointLayout.AdapterFolder), baseModel.RootBaseModel) : null,
                data.IsMultiTask ? () => PerTaskMetrics.Evaluate(setup.Objective, exampleTokenizer.PaddingId, data, ct) : null,
                job.BestCheckpointId, checkpoint => evaluation.EvaluateCheckpoint(setup, checkpoint, ct)));
        recorder.Adopt(earlierCheckpoints);
        if (resume is not null)
            await LogAsync(database, $"Resuming from checkpoint {resume.Id} at step {resume.StepNumber} (weights, optimizer, schedule and data position).", ct);

        var trainer = new SupervisedTrainer(setup.Objective, options, recorder);
        var result = await ComputeThread.Run(() => trainer.Train(train.Examples, validation?.Examples, exampleTokenizer.PaddingId, ct, resumeState), ct);
        // The trainer returns on cancellation; the job runner expects the exception.
        if (result.StopReason == TrainingStopReason.Cancelled) throw new OperationCanceledException(ct);
        if (result.StopReason == TrainingStopReason.EarlyStopping)
            await LogAsync(database, $"Early stopping at step {result.Step} of {totalSteps}: {result.StopDetail}", CancellationToken.None);

        await SetPhaseAsync(database, JobPhase.Evaluating);
        await evaluation.EvaluateFineTunedAsync(setup, fineTunedId, ct);

        var final = recorder.LastCheckpoint ?? throw new InvalidOperationException("Training ended without a checkpoint.");
        // Training is done: record its results whatever happens to the token now, so nothing is half-registered.
        await SetPhaseAsync(database, JobPhase.Saving);
        var resultFileId = await RegisterResultsAsync(database, job, baseModel, fineTunedId, final);
        return new TrainingOutcome(fineTunedId, trainedTokens, resultFileId);
    }

    static Task LogAsync(JobDatabase database, string message, CancellationToken ct) => database.WriteAsync((db, _) =>
    {
        db.JobEvents.Add(JobEvents.Message(database.JobId, message));
        return Task.CompletedTask;
    });

    static Task SetPhaseAsync(JobDatabase database, string phase) =>
        database.WriteAsync((db, c) => JobTransitions.SetPhaseAsync(db, database.JobId, phase, c));

    static IEnumerable<(string Prompt, string Completion)> Pairs(IEnumerable<TrainingExample> examples) =>
        examples.Select(e => (e.Prompt, e.Completion));

    static Task RecordStartAsync(JobDatabase database, ResolvedHyperparameters hyper, int totalSteps, string device,
        IEnumerable<string> explanations, IEnumerable<string> dataNotes, CancellationToken ct) => database.WriteAsync(async (db, c) =>
    {
        var jobId = database.JobId;
        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.NEpochs, hyper.NEpochs).SetProperty(j => j.BatchSize, hyper.BatchSize)
            .SetProperty(j => j.LearningRateMultiplier, hyper.LearningRateMultiplier).SetProperty(j => j.LearningRate, hyper.LearningRate)
            .SetProperty(j => j.TotalSteps, totalSteps).SetProperty(j => j.Device, device).SetProperty(j => j.Phase, JobPhase.Training), c);
        db.JobEvents.Add(JobEvents.Message(jobId, $"Training on {TrainingDevice.Describe(device)}."));
        foreach (var line in dataNotes.Concat(explanations)) db.JobEvents.Add(JobEvents.Message(jobId, line));
        db.JobEvents.Add(JobEvents.Message(jobId,
            $"Hyperparameters: n_epochs={hyper.NEpochs}, batch_size={hyper.BatchSize}, learning_rate_multiplier={hyper.LearningRateMultiplier}, " +
            $"learning_rate={hyper.LearningRate:G3}; {totalSteps} steps in all."));
    });

    /// <summary>The last checkpoint becomes the fine-tuned model; the step metrics become a fine-tune-results CSV file.</summary>
    /// <remarks>After training, whatever happens to the token: results are registered whole or not at all (one fenced transaction).</remarks>
    async Task<string> RegisterResultsAsync(JobDatabase database, FineTuningJob job, CatalogModel baseModel, string fineTunedId, JobCheckpoint final)
    {
        await database.FlushAsync(); // every metric row is written before the CSV is made from them
        var fileId = Ids.New("file");
        await database.WriteAsync((db, ct) => RegisterResultsAsync(db, job, baseModel, fineTunedId, final, fileId, ct));
        return fileId;
    }

    async Task RegisterResultsAsync(TuningDbContext db, FineTuningJob job, CatalogModel baseModel, string fineTunedId, JobCheckpoint final,
        string fileId, CancellationToken ct)
    {
        var points = await db.Metrics.AsNoTracking().Where(m => m.JobId == job.Id).OrderBy(m => m.Step).ToListAsync(ct);
        var csv = Encoding.UTF8.GetBytes(MetricsCsv.Write(points));
        var relative = DataPaths.FileRelativePath(fileId);
        var tempPath = Path.Combine(paths.Temp, fileId);
        await File.WriteAllBytesAsync(tempPath, csv, ct);
        File.Move(tempPath, paths.EnsureParent(relative), overwrite: true);
        db.Files.Add(new StoredFile
        {
            Id = fileId, Owner = job.Owner, Filename = "step_metrics.csv", Purpose = "fine-tune-results", Bytes = csv.Length,
            CreatedAt = Clock.Now(), Sha256 = Convert.ToHexStringLower(SHA256.HashData(csv)), RelativePath = relative,
        });
        await db.FineTunedModels.Where(m => m.Id == fineTunedId).ExecuteDeleteAsync(ct);
        db.FineTunedModels.Add(new FineTunedModel
        {
            Id = fineTunedId, Owner = job.Owner, BaseModel = baseModel.RootBaseModel, JobId = job.Id, CreatedAt = Clock.Now(),
            RelativePath = final.RelativePath,
        });
        await JobEvaluationFile.AddAsync(db, paths, job, ct);
    }
}
