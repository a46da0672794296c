using System.Text;
using System.Text.Json;
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using TorchSharp;
using TuningService.Core.Catalog;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.FineTuning.Checkpoints;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;
using TuningService.Core.Templates;
using TuningService.Core.Tokenization;
using TuningService.Core.Training;
using TuningService.Core.Training.Preference;

using TuningService.Core.FineTuning.Memory;

namespace TuningService.Core.FineTuning;

/// <summary>
/// A job's training, in torchtune's recipe shape: find the inputs, set up the model, set up the data, plan, evaluate
/// the base, train (saving checkpoints as the trainer offers them, loading one to resume), evaluate the result and
/// register it. <see cref="RunAsync"/> reads top to bottom; each step is a named method. The dry run plans with the
/// same <see cref="SetUpData"/> and <see cref="PlanTraining"/>, so it plans exactly what the worker then trains.
/// Every database write goes through the job's fenced <see cref="JobDatabase"/>.
/// </summary>
public sealed class FineTuningRecipe(DataPaths paths, CheckpointStore store, ModelCatalog catalog, TokenizedDatasetCache tokenizedCache,
    TuningOptions tuning, ArtifactMirror mirror)
{
    /// <summary>Tokenizer and generation files copied from the base model into every checkpoint.</summary>
    static readonly string[] TokenizerFileNames =
        ["tokenizer.model", "spiece.model", "tokenizer.json", "vocab.json", "merges.txt", "tokenizer_config.json",
         "special_tokens_map.json", "added_tokens.json", "generation_config.json", "chat_template.jinja"];

    /// <param name="database">The job's fenced database access.</param>
    /// <param name="job">The job's row as its worker started it.</param>
    /// <param name="resume">The checkpoint to continue from (after a pause, a shutdown or a lost worker), or null to start fresh.</param>
    /// <param name="earlierCheckpoints">Checkpoints of earlier attempts still kept (the resume's among them).</param>
    /// <param name="keepsStopCheckpoint">True once a pause or a graceful shutdown was asked for: the checkpoint of the stop is then kept.</param>
    public async Task<TrainingOutcome> RunAsync(JobDatabase database, FineTuningJob job, JobCheckpoint? resume, IReadOnlyList<JobCheckpoint> earlierCheckpoints,
        Func<bool> keepsStopCheckpoint, CancellationToken ct)
    {
        var requested = JsonSerializer.Deserialize<RequestedHyperparameters>(job.RequestedHyperparametersJson) ?? RequestedHyperparameters.Auto;
        var inputLeases = new List<CacheLease>();
        try
        {
            var (baseModel, files) = await FindInputsAsync(database, job, inputLeases, ct);
            return await RunAsync(database, job, resume, earlierCheckpoints, keepsStopCheckpoint, requested, baseModel, files, ct);
        }
        finally
        {
            foreach (var lease in inputLeases) lease.Dispose();
        }
    }

    /// <summary>The run itself, while the base model and the files are held on this machine (cache leases).</summary>
    async Task<TrainingOutcome> RunAsync(JobDatabase database, FineTuningJob job, JobCheckpoint? resume, IReadOnlyList<JobCheckpoint> earlierCheckpoints,
        Func<bool> keepsStopCheckpoint, RequestedHyperparameters requested, CatalogModel baseModel, Dictionary<string, StoredFile> files, CancellationToken ct)
    {

        await SetPhaseAsync(database, JobPhase.LoadingModel);
        using var model = SetUpModel(baseModel, requested, job.Seed, resume);

        await SetPhaseAsync(database, JobPhase.Tokenizing);
        var template = JobTemplate.FromJson(job.TemplateJson);
        var encoderDecoder = model.Setup.Objective is Seq2SeqObjective;
        var chat = JobChatFormat.For(job, baseModel.Directory, model.Tokenizer, encoderDecoder);
        var cacheKey = JobTrainingConfiguration.TokenCacheKey(encoderDecoder, model.Setup.ContextLength, requested.TrainOnInputs, template, job.Seed, chat);
        var data = SetUpData(paths, tokenizedCache, job, files, template, chat, baseModel.Directory, model.Setup.Examples, cacheKey,
            ReferenceScoring(model, resume, ct));
        if (chat is not null && resume is null) await LogAsync(database, $"Chat records are rendered with {chat.Description}.", ct);

        if (requested.Packing && model.Setup.Objective is Seq2SeqObjective)
            throw new TrainingDataException("packing is for decoder-only models; an encoder-decoder model reads each prompt on its own.");
        var plan = PlanTraining(requested, job.Seed, model.Device, model.Loaded.ParameterCount, model.Setup.Objective, data.Data.Train.Examples, model.Setup.Examples.PaddingId,
            MemoryBudgetOf(baseModel.Directory, tuning));
        await RecordStartAsync(database, model, data.Data, requested, plan, ct);

        var evaluation = await EvaluateBaseAsync(database, job, model, data, requested, resume, chat, ct);

        await SetPhaseAsync(database, JobPhase.Training);
        var fineTunedId = $"ft:{baseModel.RootBaseModel}:{job.Suffix}:{job.Id}";
        var resumeState = LoadCheckpoint(resume);
        var recorder = CheckpointWriter(database, job, model, data.Data, plan, fineTunedId, evaluation, resumeState, keepsStopCheckpoint, ct);
        recorder.Adopt(earlierCheckpoints);
        if (resume is not null)
            await LogAsync(database, $"Resuming from checkpoint {resume.Id} at step {resume.StepNumber} (weights, optimizer, schedule and data position).", ct);
        await TrainAsync(database, model, data.Data, plan, recorder, resumeState, ct);

        await SetPhaseAsync(database, JobPhase.Evaluating);
        await evaluation.EvaluateFineTunedAsync(model.EvaluationSetup, fineTunedId, ct);

        var final = recorder.LastCheckpoint ?? throw new InvalidOperationException("Training ended without a checkpoint.");
        // Training is done: record its results whatever happens to the token now, so nothing is half-registered.
        await SetPhaseAsync(database, JobPhase.Saving);
        var resultFileId = await RegisterResultsAsync(database, job, baseModel, fineTunedId, final);
        return new TrainingOutcome(fineTunedId, plan.TrainedTokens, resultFileId);
    }

    /// <summary>
    /// The job's base model and files, as the catalog and the database have them now, made local and leased (added to
    /// <paramref name="leases"/>, which the caller disposes when training ends) so that the cache bound cannot take them.
    /// </summary>
    async Task<(CatalogModel BaseModel, Dictionary<string, StoredFile> Files)> FindInputsAsync(JobDatabase database, FineTuningJob job,
        List<CacheLease> leases, CancellationToken ct)
    {
        var baseModel = await database.ReadAsync((db, c) => catalog.FindAsync(db, job.Model, job.Owner, c), ct)
            ?? throw new TrainingDataException($"The model '{job.Model}' is no longer available.");
        var ids = JobTrainingConfiguration.FileIds(job);
        var files = await database.ReadAsync((db, c) => db.Files.AsNoTracking().Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, c), ct);
        if (ids.FirstOrDefault(id => !files.ContainsKey(id)) is { } missing)
            throw new TrainingDataException($"The file {missing} was deleted.");
        // Uploaded, or trained, on another machine: fetched from the artifact store (the evaluation's files too).
        leases.Add(await catalog.LeaseLocalAsync(baseModel, ct));
        var evaluationIds = (job.RetentionFileIdsJson is null ? [] : JsonSerializer.Deserialize<List<string>>(job.RetentionFileIdsJson)!).Append(job.TestFileId);
        var all = ids.Concat(evaluationIds.OfType<string>()).Distinct().ToList();
        foreach (var relative in await database.ReadAsync((db, c) => db.Files.AsNoTracking().Where(f => all.Contains(f.Id)).Select(f => f.RelativePath).ToListAsync(c), ct))
            leases.Add(await mirror.LeaseLocalFileAsync(relative, ct));
        return (baseModel, files);
    }

    /// <summary>
    /// The model to train, on the device training runs on: full fine-tuning resumes from the checkpoint's weights;
    /// LoRA from the base with the checkpoint's adapters copied in.
    /// </summary>
    RecipeModel SetUpModel(CatalogModel baseModel, RequestedHyperparameters requested, int seed, JobCheckpoint? resume)
    {
        var device = TrainingDevice.Select();
        var resumeFolder = resume is null ? null : paths.Resolve(resume.RelativePath);
        var loaded = PretrainedModelLoader.Load(resumeFolder is not null && !requested.IsLora ? resumeFolder : baseModel.Directory, torch.device(device),
            JobTrainingConfiguration.WeightLoading(requested));
        try
        {
            var tokenizer = TokenizerLoader.FromModelFolder(baseModel.Directory);
            var setup = JobTrainingConfiguration.Setup(loaded, tokenizer, requested, seed);
            if (resumeFolder is not null && setup.Lora is not null)
                LoraAdapterRestore.CopyInto(loaded.Model, Path.Combine(resumeFolder, CheckpointLayout.AdapterFolder));
            return new RecipeModel(baseModel, loaded, tokenizer, setup, device);
        }
        catch
        {
            loaded.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The job's records through its template (its phrasing per record depends on the seed), split and mixed as it
    /// asks, tokenized through the cache under <paramref name="cacheKey"/>. The dry run calls this too, so the tokens
    /// it makes are the ones the job reads back.
    /// </summary>
    /// <param name="reference">A DPO job with full fine-tuning: scores the pairs with the starting model, cached with the
    /// tokens under its key (the dry run passes null: it plans, it does not score).</param>
    public static RecipeData SetUpData(DataPaths paths, TokenizedDatasetCache tokenizedCache, FineTuningJob job, IReadOnlyDictionary<string, StoredFile> files,
        JobTemplate? template, IChatExampleRenderer? chat, string modelDirectory, IExampleTokenizer exampleTokenizer, string cacheKey,
        PreferenceReferenceScoring? reference = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(tokenizedCache);
        ArgumentNullException.ThrowIfNull(exampleTokenizer);
        IReadOnlyList<TrainingExample> Read(StoredFile file)
        {
            try
            {
                return TemplateRenderer.ReadExamples(paths.Resolve(file.RelativePath), file, template, job.Seed, chat);
            }
            catch (ChatTemplateException e)
            {
                throw new TrainingDataException($"The file {file.Id} ({file.Filename}) cannot be rendered with the chat template: {e.Message}");
            }
        }
        var preference = JobTrainingConfiguration.IsPreference(job);
        TokenizedDataset Tokenize(StoredFile file) => preference
            ? PreferencePairs.Tokenize(exampleTokenizer, Read(file).Select(e => e.Rejected is null
                ? throw new TrainingDataException($"The file {file.Id} holds no preference pairs; a DPO job trains on the preference format.") : e))
            : TokenizeExamples(exampleTokenizer, Read(file));
        // Pairs are cached apart from the single sequences evaluation tokenizes under cacheKey, and scored pairs apart from both.
        var key = cacheKey + (preference ? ":preference" : "") + (reference is null ? "" : $":reference={reference.Key}");
        var data = JobTrainingDataBuilder.Build(job, files, Read, file =>
        {
            var dataset = tokenizedCache.GetOrCreate(file.Sha256, modelDirectory, key,
                () => reference is null ? Tokenize(file) : reference.Score(Tokenize(file)), out var cached);
            return (dataset, cached);
        });
        return new RecipeData(data, Read, cacheKey);
    }

    /// <summary>Examples as training reads them: chat-template ones from their segments, the others as prompt + completion.</summary>
    static TokenizedDataset TokenizeExamples(IExampleTokenizer tokenizer, IReadOnlyList<TrainingExample> examples)
    {
        if (examples.All(e => e.Segments is null)) return tokenizer.TokenizeAll(examples.Select(e => (e.Prompt, e.Completion)));
        List<TokenizedExample> tokenized = [.. examples.Select(tokenizer.Tokenize)];
        return new TokenizedDataset(tokenized, tokenized.Count(e => e.WasTruncated));
    }

    /// <summary>
    /// For a DPO job with full fine-tuning: how each file's pairs get their reference log-probs, from the job's
    /// starting model, before training. The model in memory is that model unless this attempt resumes (it then
    /// holds a checkpoint's weights): on a resume whose scores are not cached here, the starting model is loaded
    /// for the scoring alone and freed before training. Null for other jobs.
    /// </summary>
    static PreferenceReferenceScoring? ReferenceScoring(RecipeModel model, JobCheckpoint? resume, CancellationToken ct)
    {
        if (model.Setup.Objective is not PreferenceObjective { Reference: PreferenceReference.Precomputed } objective) return null;
        return new PreferenceReferenceScoring(PreferenceReferenceScoring.KeyOf(model.BaseModel), dataset =>
        {
            if (resume is null) return Score(objective, dataset);
            using var starting = PretrainedModelLoader.Load(model.BaseModel.Directory, torch.device(model.Device));
            return Score(new PreferenceObjective((Models.CausalLanguageModel)starting.Model, objective.Options, PreferenceReference.Precomputed), dataset);
        });

        TokenizedDataset Score(PreferenceObjective scorer, TokenizedDataset dataset) =>
            new(ReferenceLogProbs.Score(scorer, dataset.Examples, PreferenceReferenceScoring.BatchSize, model.Setup.Examples.PaddingId,
                    torch.device(model.Device), ct) ?? throw new OperationCanceledException(ct),
                dataset.TruncatedCount);
    }

    /// <summary>"auto" resolved, the trainer's options, and the steps and tokens they make — counted by the trainer's own code (packed epochs depend on the lengths).</summary>
    /// <param name="memory">The model's shape and the worker's memory, for the memory plan; null plans none (a model without safetensors).</param>
    public static TrainingPlan PlanTraining(RequestedHyperparameters requested, int seed, string device, long parameterCount,
        ITrainingObjective objective, IReadOnlyList<TokenizedExample> train, int paddingId, MemoryBudget? memory = null)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(objective);
        var (hyper, resolved) = HyperparameterResolver.Resolve(requested, train.Count, parameterCount);
        var explanations = resolved.ToList();
        MemoryPlan? memoryPlan = null;
        if (memory is not null)
        {
            var inputs = JobMemoryInputs.For(memory.Shape, requested, hyper.BatchSize, train, objective.MaxInputLength);
            memoryPlan = MemoryPlanner.Plan(inputs, requested.GradientCheckpointing, hyper.BatchSize, memory.LimitBytes);
            explanations.AddRange(memoryPlan.Explanations);
            // The create refused jobs that do not fit; this one may come from before the limit changed, or run on a smaller machine.
            if (!memoryPlan.Fits)
                explanations.Add($"Warning: the estimated peak is over this worker's limit and the job may run out of memory. {memoryPlan.Suggestion}");
        }
        if (requested.OptimizerInBackward)
            explanations.Add($"optimizer_in_backward: each block's weights are stepped as soon as their gradients are ready, so max_grad_norm is {requested.MaxGradNorm:G3} " +
                             "(global-norm clipping needs every gradient before any step) and gradient_accumulation_steps is 1.");
        var options = JobTrainingConfiguration.Options(requested, hyper, seed, device, memoryPlan);
        var totalSteps = new SupervisedTrainer(objective, options, NoObserver.Instance).PlannedSteps(train, paddingId);
        // A preference pair trains on both of its sequences.
        var trainedTokens = (long)hyper.NEpochs * train.Sum(e => (long)e.InputIds.Length + (e.Rejected?.InputIds.Length ?? 0));
        return new TrainingPlan(hyper, explanations, options, totalSteps, trainedTokens) { Memory = memoryPlan };
    }

    /// <summary>
    /// The model's shape (config.json and safetensors headers) and the worker's memory limit, or null for a model stored
    /// as PyTorch pickles, whose shapes cannot be read without loading it (the job then trains without a memory plan).
    /// </summary>
    public static MemoryBudget? MemoryBudgetOf(string modelFolder, TuningOptions tuning)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        try
        {
            return new MemoryBudget(ModelShape.Read(modelFolder), WorkerMemoryLimit.Resolve(tuning.WorkerMemoryBytes));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or NotSupportedException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Before training: the base model (as loaded, unless this attempt resumes) and the ICL baseline on the test and retention data.</summary>
    async Task<JobEvaluator> EvaluateBaseAsync(JobDatabase database, FineTuningJob job, RecipeModel model, RecipeData data,
        RequestedHyperparameters requested, JobCheckpoint? resume, ChatFormatting.ChatFormat? chat, CancellationToken ct)
    {
        var evaluation = await JobEvaluator.CreateAsync(database, paths, catalog, job, model.BaseModel, model.Tokenizer, data.Read, data.CacheKey, data.Data,
            EvaluationSettings.Default with
            {
                MaxGeneratedExamples = tuning.EvaluationMaxGeneratedExamples,
                // Chat examples were rendered with the template: their answers end with its end-of-turn token.
                StopTokenIds = chat is { IsPlain: false } ? chat.StopTokenIds : null,
            }, ct);
        await SetPhaseAsync(database, JobPhase.Evaluating);
        await evaluation.EvaluateBaseAsync(resume is null ? model.EvaluationSetup : null, () =>
        {
            // Held as training holds it (bf16 or quantized for such a LoRA job): the base the job's own in-memory
            // evaluation measures when it does not resume, and a second copy of that size, not a full fp32 one.
            var bare = PretrainedModelLoader.Load(model.BaseModel.Directory, torch.device(model.Device), JobTrainingConfiguration.WeightLoading(requested));
            return (TrainingSetup.For(bare, model.Tokenizer, requested.MaxSeqLength, requested.TrainOnInputs), bare);
        }, ct);
        return evaluation;
    }

    /// <summary>The training state saved with <paramref name="resume"/>: optimizer, schedule and data position (the weights are already loaded).</summary>
    TrainingResumeState? LoadCheckpoint(JobCheckpoint? resume) => resume is null
        ? null
        : TrainingResumeState.Load(Path.Combine(paths.Resolve(resume.RelativePath), JobProgressRecorder.TrainingStateFolder));

    /// <summary>What saves checkpoints (model, adapter, training state, through the store) and records progress as the trainer reports it.</summary>
    JobProgressRecorder CheckpointWriter(JobDatabase database, FineTuningJob job, RecipeModel model, JobTrainingData data, TrainingPlan plan,
        string fineTunedId, JobEvaluator evaluation, TrainingResumeState? resumeState, Func<bool> keepsStopCheckpoint, CancellationToken ct)
    {
        var setup = model.Setup;
        var tokenizerFiles = TokenizerFileNames.Select(n => Path.Combine(model.BaseModel.Directory, n)).Where(File.Exists).ToList();
        if (JobChatTemplateFile(job) is { } chatTemplateFile)
        {
            // The model keeps the template it was trained in: chat_template.jinja wins over tokenizer_config.json's, as in transformers.
            tokenizerFiles.RemoveAll(f => Path.GetFileName(f) == "chat_template.jinja");
            tokenizerFiles.Add(chatTemplateFile);
        }
        return new JobProgressRecorder(database, store, mirror, job, model.Loaded.Model, model.Loaded.Config, tokenizerFiles, fineTunedId, plan.TotalSteps,
            new JobRecorderOptions(resumeState?.State.Step ?? 0, tuning.KeepCheckpoints, keepsStopCheckpoint,
                setup.Lora is { } adapters ? folder => adapters.SaveAdapter(Path.Combine(folder, CheckpointLayout.AdapterFolder), model.BaseModel.RootBaseModel) : null,
                data.IsMultiTask ? () => PerTaskMetrics.Evaluate(setup.Objective, setup.Examples.PaddingId, data, ct) : null,
                job.BestCheckpointId, checkpoint => evaluation.EvaluateCheckpoint(model.EvaluationSetup, checkpoint, ct))
            {
                // A LoRA base loaded in bf16 or quantized (JobTrainingConfiguration.WeightLoading) is written in the
                // base checkpoint's dtype; everything else in fp32 as before.
                MergedWeightsDtype = setup.Lora is not null && (model.Loaded.Model.modules().Any(m => m is Models.QuantizedLinear)
                    || model.Loaded.Model.parameters().Any(p => !p.requires_grad && p.dtype != torch.ScalarType.Float32))
                    ? model.Loaded.CheckpointDtype : null,
            });
    }

    /// <summary>
    /// The job's own chat_template (a Jinja source or a built-in's) as a chat_template.jinja to save with every
    /// checkpoint, or null when the job uses the model's own. ("plain" has no Jinja form: a model asked to train plain
    /// keeps whatever template it shipped, which chat completions then use.)
    /// </summary>
    string? JobChatTemplateFile(FineTuningJob job)
    {
        var source = job.ChatTemplate is { } requested ? ChatFormatting.BuiltInChatTemplates.Source(requested) ?? (requested == ChatFormatting.BuiltInChatTemplates.Plain ? null : requested) : null;
        if (source is null) return null;
        var folder = Path.Combine(paths.Temp, $"chat-template-{job.Id}");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "chat_template.jinja");
        File.WriteAllText(file, source);
        return file;
    }

    /// <summary>The training loop, on its own thread; a cancellation (cancel, pause, shutdown, lost lease) comes back as the exception the runner expects.</summary>
    static async Task TrainAsync(JobDatabase database, RecipeModel model, JobTrainingData data, TrainingPlan plan, JobProgressRecorder recorder,
        TrainingResumeState? resumeState, CancellationToken ct)
    {
        var trainer = new SupervisedTrainer(model.Setup.Objective, plan.Options, recorder);
        var result = await ComputeThread.Run(() => trainer.Train(data.Train.Examples, data.Validation?.Examples, model.Setup.Examples.PaddingId, ct, resumeState), ct);
        if (result.StopReason == TrainingStopReason.Cancelled) throw new OperationCanceledException(ct);
        if (result.StopReason == TrainingStopReason.EarlyStopping)
            await LogAsync(database, $"Early stopping at step {result.Step} of {plan.TotalSteps}: {result.StopDetail}", CancellationToken.None);
    }

    static Task LogAsync(JobDatabase database, string message, CancellationToken ct) => database.WriteAsync((db, _) =>
    {
        db.JobEvents.Add(JobEvents.Message(database.JobId, message));
        return Task.CompletedTask;
    });

    static Task SetPhaseAsync(JobDatabase database, string phase) =>
        database.WriteAsync((db, c) => JobTransitions.SetPhaseAsync(db, database.JobId, phase, c));

    /// <summary>The resolved hyperparameters on the job's row, and events that say what will be trained and how.</summary>
    static Task RecordStartAsync(JobDatabase database, RecipeModel model, JobTrainingData data, RequestedHyperparameters requested, TrainingPlan plan,
        CancellationToken ct) => database.WriteAsync(async (db, c) =>
    {
        var jobId = database.JobId;
        var (hyper, totalSteps, device, loaded, setup) = (plan.Hyper, plan.TotalSteps, model.Device, model.Loaded, model.Setup);
        string[] dataNotes = [
            $"Base model {model.BaseModel.Id} ({loaded.Config.ModelType}): {loaded.ParameterCount:N0} parameters, context of {setup.ContextLength} tokens.",
            setup.Lora is { } lora
                ? $"LoRA: r={lora.Config.R}, lora_alpha={lora.Config.Alpha}, lora_dropout={lora.Config.Dropout} on {lora.WrappedModules.Count} layers " +
                  $"({string.Join(", ", lora.WrappedModules.Select(m => m.Split('.')[^1]).Distinct())}); {lora.TrainableParameterCount:N0} trainable parameters " +
                  $"({100.0 * lora.TrainableParameterCount / loaded.ParameterCount:F2}% of {loaded.ParameterCount:N0}), the rest frozen."
                : $"Full fine-tuning: all {loaded.ParameterCount:N0} parameters are trained.",
            $"Optimiser: AdamW (betas {FusedAdamW.Beta1}, {FusedAdamW.Beta2}, eps {FusedAdamW.Epsilon}), lr_scheduler={requested.LrScheduler}, warmup_ratio={requested.WarmupRatio}, weight_decay={requested.WeightDecay}, " +
            $"max_grad_norm={requested.MaxGradNorm}; max_seq_length={setup.ContextLength}; train_on_inputs={requested.TrainOnInputs.ToString().ToLowerInvariant()}" +
            (requested.TrainOnInputs && setup.Objective is Seq2SeqObjective ? " (no effect on an encoder-decoder model: its input is not predicted)." : "."),
            .. PreferenceNotes(setup),
            .. data.Notes,
        ];
        var explanations = plan.Explanations;
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

    /// <summary>What a DPO job optimises and what its reference is; nothing for a supervised job.</summary>
    static IEnumerable<string> PreferenceNotes(TrainingSetup setup)
    {
        if (setup.Objective is not PreferenceObjective preference) yield break;
        var options = preference.Options;
        yield return $"DPO: loss_type={options.LossType.ToString().ToLowerInvariant()}, beta={options.Beta}, label_smoothing={options.LabelSmoothing}; " +
            "each pair's preferred and non-preferred answers are scored in one forward pass (summed log-probs of the answer tokens, EOS included).";
        yield return preference.Reference == PreferenceReference.AdaptersDisabled
            ? "DPO reference: the starting model, computed as this model with its LoRA adapters turned off (no second copy in memory)."
            : "DPO reference: the starting model's log-probs of every pair, computed once before training and kept with the tokenized data (no second copy in memory).";
    }

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
        await mirror.PushFileAsync(relative, ct);
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
        await JobEvaluationFile.AddAsync(db, paths, mirror, job, ct);
    }
}
