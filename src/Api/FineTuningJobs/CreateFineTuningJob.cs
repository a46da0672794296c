using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Api.Quotas;
using TuningService.Api.Templates;
using TuningService.Core.Catalog;
using TuningService.Core.Common;
using TuningService.Core.FineTuning;
using TuningService.Core.MultiTask;
using TuningService.Core.Persistence;

namespace TuningService.Api.FineTuningJobs;

/// <summary>
/// POST /v1/fine_tuning/jobs: checks every reference and value (400 naming the param), records the job as queued
/// with its first events, then dispatches its id. An Idempotency-Key makes a retried create return the same job.
/// </summary>
public static class CreateFineTuningJob
{
    const int MaxSuffixLength = 64, MaxMetadataPairs = 16, MaxIclShots = 32, MaxRetentionFiles = 8;

    public static async Task<IResult> Handle(CreateFineTuningJobRequest request, HttpContext http, TuningDbContext db,
        ModelCatalog catalog, IJobDispatcher dispatcher, OwnerQuotas quotas, CancellationToken ct)
    {
        var caller = Caller.From(http);
        var idempotencyKey = http.Request.Headers["Idempotency-Key"].ToString() is { Length: > 0 } k ? k : null;
        if (idempotencyKey is not null)
        {
            var existing = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Owner == caller.Owner && j.IdempotencyKey == idempotencyKey, ct);
            if (existing is not null) return Results.Ok(FineTuningJobResponse.From(existing));
        }

        if (string.IsNullOrWhiteSpace(request.Model)) throw ApiException.BadRequest("model is required: the id of a base or fine-tuned model (see GET /v1/models).", "model");
        if (await catalog.FindAsync(db, request.Model, caller.Owner, ct) is null)
            throw new ApiException(400, $"Model '{request.Model}' does not exist or you do not have access to it. GET /v1/models lists the models you can fine-tune.", "model", "model_not_found");
        var tasks = await CheckTasksAsync(db, request, caller.Owner, ct);
        var training = tasks is null
            ? await RequireFineTuneFile(db, request.TrainingFile, "training_file", caller.Owner, required: true, ct)
            : tasks[0].TrainingFile;
        await RequireFineTuneFile(db, request.ValidationFile, "validation_file", caller.Owner, required: false, ct);
        await RequireFineTuneFile(db, request.TestFile, "test_file", caller.Owner, required: false, ct);
        CheckSplits(request);
        await JobTemplateCheck.CheckAsync(request.Template,
            [training, request.ValidationFile, .. tasks?.SelectMany(t => new[] { t.TrainingFile, t.ValidationFile }) ?? []], db, http, caller.Owner, ct);
        CheckChatTemplate(request.ChatTemplate);
        CheckIntegrations(request.Integrations);
        var retentionFiles = await CheckRetentionFilesAsync(db, request.RetentionFiles, caller.Owner, ct);
        if (request.IclShots is < 0 or > MaxIclShots)
            throw ApiException.BadRequest($"icl_shots must be between 0 and {MaxIclShots}, got {request.IclShots}.", "icl_shots");
        if (MultiTaskRequestRules.CheckMixing(MixingValues(request.Mixing)) is { } mixingError)
            throw ApiException.BadRequest(mixingError.Message, mixingError.Param);
        if (request.Suffix is { Length: > MaxSuffixLength })
            throw ApiException.BadRequest($"suffix may be at most {MaxSuffixLength} characters, got {request.Suffix.Length}.", "suffix");
        if (request.Suffix is { } s && s.Any(c => char.IsControl(c) || c == ':' || c == '/'))
            throw ApiException.BadRequest("suffix may not contain ':', '/' or control characters.", "suffix");
        if (request.Metadata is { Count: > MaxMetadataPairs })
            throw ApiException.BadRequest($"metadata may hold at most {MaxMetadataPairs} pairs.", "metadata");
        var hyperparameters = MethodHyperparameters(request);
        await CheckTrainingFormatAsync(db, hyperparameters, [training, request.ValidationFile, request.TestFile,
            .. tasks?.SelectMany(t => new[] { t.TrainingFile, t.ValidationFile }) ?? []], caller.Owner, ct);
        if (hyperparameters.IsPreference)
        {
            if (tasks is not null)
                throw ApiException.BadRequest("method.type \"dpo\" trains on one training_file of preference pairs; tasks are for supervised jobs.", "tasks");
            if (request.Template is { ValueKind: not JsonValueKind.Null })
                throw ApiException.BadRequest("method.type \"dpo\" renders each pair's input messages itself; leave template out.", "template");
        }

        var now = Clock.Now();
        var job = new FineTuningJob
        {
            Id = Ids.New("ftjob"),
            Owner = caller.Owner,
            CreatedAt = now,
            Model = request.Model,
            TrainingFileId = training!,
            ValidationFileId = request.ValidationFile is { Length: > 0 } ? request.ValidationFile : null,
            Suffix = request.Suffix is { Length: > 0 } ? request.Suffix : null,
            Seed = request.Seed ?? Random.Shared.Next(),
            MetadataJson = request.Metadata is null ? null : JsonSerializer.Serialize(request.Metadata),
            RequestedHyperparametersJson = JsonSerializer.Serialize(hyperparameters),
            IdempotencyKey = idempotencyKey,
            TasksJson = tasks is null ? null : JsonSerializer.Serialize(tasks),
            MixingJson = request.Mixing is null ? null : JsonSerializer.Serialize(MixingValues(request.Mixing)),
            ValidationSplit = request.ValidationSplit,
            TestSplit = request.TestSplit,
            TestFileId = request.TestFile is { Length: > 0 } testFile ? testFile : null,
            TemplateJson = request.Template is { ValueKind: not JsonValueKind.Null } template ? template.GetRawText() : null,
            ChatTemplate = request.ChatTemplate,
            RetentionFileIdsJson = retentionFiles is null ? null : JsonSerializer.Serialize(retentionFiles),
            IclShots = request.IclShots is > 0 ? request.IclShots : null,
            Status = JobStatus.Queued,
        };
        // After every check and on the very job that would be queued, so the plan and the real run cannot differ.
        if (request.DryRun is true) return await FineTuningJobDryRun.AnswerAsync(job, http, db, catalog, ct);
        await FineTuningJobMemoryCheck.EnsureFitsAsync(job, request, hyperparameters, http, db, catalog, ct);
        try
        {
            // Counted and inserted as one step per owner, so two creates at once cannot both take the last place.
            await quotas.AddJobAsync(db, caller.Owner, () =>
            {
                db.Jobs.Add(job);
                db.JobEvents.Add(JobEvents.Message(job.Id, $"Validating training file: {job.TrainingFileId}" + (job.ValidationFileId is null ? "" : $" and validation file: {job.ValidationFileId}")));
                db.JobEvents.Add(JobEvents.Message(job.Id, "Files validated, moving job to queued state"));
            }, ct);
        }
        catch (DbUpdateException) when (idempotencyKey is not null)
        {
            // A concurrent retry with the same key won the insert: answer with its job.
            db.ChangeTracker.Clear();
            var winner = await db.Jobs.AsNoTracking().FirstAsync(j => j.Owner == caller.Owner && j.IdempotencyKey == idempotencyKey, ct);
            return Results.Ok(FineTuningJobResponse.From(winner));
        }
        await JobDispatch.DispatchAsync(db, dispatcher, job.Id, ct);
        return Results.Ok(FineTuningJobResponse.From(job));
    }

    /// <summary>
    /// OpenAI's method object: "supervised" (the default, also from the deprecated top-level hyperparameters) or
    /// "dpo" with its hyperparameters in method.dpo.hyperparameters.
    /// </summary>
    static RequestedHyperparameters MethodHyperparameters(CreateFineTuningJobRequest request)
    {
        var type = request.Method?.Type ?? RequestedHyperparameters.SupervisedMethod;
        switch (type)
        {
            case RequestedHyperparameters.SupervisedMethod:
                if (request.Method?.Dpo is not null)
                    throw ApiException.BadRequest("method.dpo is given but method.type is \"supervised\"; set method.type to \"dpo\".", "method.type");
                if (request.Method?.Supervised?.Hyperparameters is not null && request.Hyperparameters is not null)
                    throw ApiException.BadRequest("Give hyperparameters either in method.supervised.hyperparameters or in the deprecated top-level hyperparameters, not both.", "hyperparameters");
                return request.Hyperparameters is not null
                    ? HyperparameterParsing.Parse(request.Hyperparameters, "hyperparameters")
                    : HyperparameterParsing.Parse(request.Method?.Supervised?.Hyperparameters, "method.supervised.hyperparameters");
            case RequestedHyperparameters.PreferenceMethod:
                if (request.Hyperparameters is not null)
                    throw ApiException.BadRequest("For method.type \"dpo\", give hyperparameters in method.dpo.hyperparameters, not in the top-level hyperparameters.", "hyperparameters");
                if (request.Method?.Supervised is not null)
                    throw ApiException.BadRequest("method.supervised is given but method.type is \"dpo\"; put the hyperparameters in method.dpo.hyperparameters.", "method.supervised");
                return HyperparameterParsing.ParseDpo(request.Method?.Dpo?.Hyperparameters, "method.dpo.hyperparameters");
            default:
                throw ApiException.BadRequest($"method.type '{type}' is not supported; use \"supervised\" or \"dpo\".", "method.type");
        }
    }

    /// <summary>A DPO job trains on preference files and a supervised one cannot: each file given must fit the method.</summary>
    static async Task CheckTrainingFormatAsync(TuningDbContext db, RequestedHyperparameters hyperparameters, IEnumerable<string?> fileIds,
        string owner, CancellationToken ct)
    {
        const string preference = "preference";
        var ids = fileIds.OfType<string>().Where(id => id.Length > 0).Distinct().ToList();
        var formats = await db.Files.AsNoTracking().Where(f => ids.Contains(f.Id) && f.Owner == owner).Select(f => new { f.Id, f.Format }).ToListAsync(ct);
        foreach (var file in formats)
        {
            if (hyperparameters.IsPreference && file.Format != preference)
                throw ApiException.BadRequest($"method.type \"dpo\" trains on preference pairs, but file '{file.Id}' is in {file.Format ?? "an unknown"} format; " +
                    "upload lines of {\"input\": {\"messages\": [...]}, \"preferred_output\": [...], \"non_preferred_output\": [...]}.", "training_file");
            if (!hyperparameters.IsPreference && file.Format == preference)
                throw ApiException.BadRequest($"File '{file.Id}' holds preference pairs; train on it with method: {{\"type\": \"dpo\"}}.", "method.type");
        }
    }

    /// <summary>The tasks of a multi-task request, each file checked like training_file; null when the request has none.</summary>
    static async Task<List<JobTask>?> CheckTasksAsync(TuningDbContext db, CreateFineTuningJobRequest request, string owner, CancellationToken ct)
    {
        if (request.Tasks is null) return null;
        var values = request.Tasks.Select(t => new TaskRequestValues(t.Name, t.TrainingFile, t.ValidationFile, t.Weight)).ToList();
        if (MultiTaskRequestRules.CheckTasks(values) is { } error) throw ApiException.BadRequest(error.Message, error.Param);
        if (request.TrainingFile is { Length: > 0 } single && single != request.Tasks[0].TrainingFile)
            throw ApiException.BadRequest("With tasks, leave training_file out (or set it to tasks[0].training_file): each task names its own files.", "training_file");
        var tasks = new List<JobTask>();
        for (var i = 0; i < request.Tasks.Count; i++)
        {
            var t = request.Tasks[i];
            await RequireFineTuneFile(db, t.TrainingFile, $"tasks[{i}].training_file", owner, required: true, ct);
            await RequireFineTuneFile(db, t.ValidationFile, $"tasks[{i}].validation_file", owner, required: false, ct);
            tasks.Add(new JobTask(t.Name!, t.TrainingFile!, t.ValidationFile is { Length: > 0 } v ? v : null, t.Weight ?? 1.0));
        }
        return tasks;
    }

    /// <summary>validation_split and test_split carve the training file; each replaces its file, and something must remain to train on.</summary>
    static void CheckSplits(CreateFineTuningJobRequest request)
    {
        if (request.ValidationSplit is { } v && v is not (> 0 and < 1))
            throw ApiException.BadRequest($"validation_split must be a share between 0 and 1 (e.g. 0.1), got {v}.", "validation_split");
        if (request.TestSplit is { } t && t is not (> 0 and < 1))
            throw ApiException.BadRequest($"test_split must be a share between 0 and 1 (e.g. 0.1), got {t}.", "test_split");
        if ((request.ValidationSplit ?? 0) + (request.TestSplit ?? 0) > 0.9)
            throw ApiException.BadRequest("validation_split + test_split leave under 10% of the training file to train on; hold out less.", "validation_split");
        if (request.ValidationSplit is not null && request.ValidationFile is { Length: > 0 })
            throw ApiException.BadRequest("Give either validation_file or validation_split, not both.", "validation_split");
        if (request.TestSplit is not null && request.TestFile is { Length: > 0 })
            throw ApiException.BadRequest("Give either test_file or test_split, not both.", "test_split");
        if ((request.ValidationSplit ?? request.TestSplit) is not null && request.Tasks is not null)
            throw ApiException.BadRequest("validation_split and test_split apply to a single training_file; with tasks, give each task a validation_file.", "validation_split");
    }

    static async Task<List<string>?> CheckRetentionFilesAsync(TuningDbContext db, List<string>? ids, string owner, CancellationToken ct)
    {
        if (ids is null) return null;
        if (ids.Count > MaxRetentionFiles)
            throw ApiException.BadRequest($"retention_files may name at most {MaxRetentionFiles} files, got {ids.Count}.", "retention_files");
        for (var i = 0; i < ids.Count; i++)
            await RequireFineTuneFile(db, ids[i], $"retention_files[{i}]", owner, required: true, ct);
        if (ids.Distinct().Count() != ids.Count)
            throw ApiException.BadRequest("retention_files names a file twice.", "retention_files");
        return ids;
    }

    static MixingRequestValues? MixingValues(MixingRequest? mixing) =>
        mixing is null ? null : new MixingRequestValues(mixing.Strategy, mixing.Cap, mixing.Temperature);

    static async Task<string?> RequireFineTuneFile(TuningDbContext db, string? id, string param, string owner, bool required, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            if (required) throw ApiException.BadRequest($"{param} is required: the id of a file uploaded with purpose 'fine-tune'.", param);
            return null;
        }
        var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == id && f.Owner == owner, ct)
            ?? throw new ApiException(400, $"File '{id}' given as {param} does not exist.", param, "file_not_found");
        if (file.Purpose != "fine-tune")
            throw new ApiException(400, $"File '{id}' has purpose '{file.Purpose}'; {param} needs a file uploaded with purpose 'fine-tune'.", param, "invalid_file_purpose");
        return file.Id;
    }

    /// <summary>A built-in name or a Jinja template that parses (it is rendered against the model's tokenizer when the job runs).</summary>
    /// <summary>
    /// OpenAI's integrations (its only type is "wandb": metrics sent to Weights &amp; Biases). This service sends metrics
    /// nowhere, so a job that asks for an integration is refused rather than run without it; an empty list asks for nothing.
    /// </summary>
    static void CheckIntegrations(JsonElement? integrations)
    {
        if (integrations is not { ValueKind: not JsonValueKind.Null } list) return;
        if (list.ValueKind != JsonValueKind.Array)
            throw ApiException.BadRequest($"integrations must be an array, got {list.GetRawText()}.", "integrations");
        if (list.GetArrayLength() == 0) return;
        var type = list[0] is { ValueKind: JsonValueKind.Object } first && first.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString() : null;
        var asked = type is null ? "an integration" : $"integration type '{type}'";
        var why = type == "wandb"
            ? "this service does not send metrics to Weights & Biases"
            : "this service supports no integrations (OpenAI's only one is 'wandb')";
        throw new ApiException(400, $"integrations: {asked} is not supported: {why}. Follow a job's metrics with " +
            "GET /v1/fine_tuning/jobs/{id}/events and /metrics, and leave integrations out (or send an empty list).", "integrations", "unsupported_integration");
    }

    static void CheckChatTemplate(string? chatTemplate)
    {
        if (chatTemplate is null) return;
        if (chatTemplate.Length > MaxChatTemplateLength)
            throw ApiException.BadRequest($"chat_template may be at most {MaxChatTemplateLength} characters, got {chatTemplate.Length}.", "chat_template");
        try
        {
            Core.ChatFormatting.ChatFormats.Check(chatTemplate);
        }
        catch (Core.ChatTemplates.ChatTemplateException e)
        {
            throw ApiException.BadRequest(e.Message, "chat_template");
        }
    }

    /// <summary>Real chat templates are up to ~15 KB (Llama 3.1 with tools); a bound keeps the row and the parse small.</summary>
    const int MaxChatTemplateLength = 64 * 1024;
}
