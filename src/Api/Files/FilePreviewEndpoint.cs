using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.ChatFormatting;
using TuningService.Core.ChatTemplates;
using TuningService.Api.Templates;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Files;
using TuningService.Core.Inference;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;
using TuningService.Core.Templates;
using TuningService.Core.Training;

namespace TuningService.Api.Files;

/// <summary>
/// POST /v1/files/{file_id}/preview: the first records of a file rendered through a template and tokenized exactly
/// as a job would train on them (the trainer's own example tokenizer: BOS/EOS, truncation, loss mask), so a user can
/// see what the model will read and learn before paying for a job.
/// </summary>
public static class FilePreviewEndpoint
{
    public const string DefaultModel = "babyllama-tinystories";
    const int DefaultLimit = 5, MaxLimit = 50;

    public static IEndpointRouteBuilder MapFilePreview(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/files/{file_id}/preview", Handle).WithTags("Files")
            .WithSummary("Preview a file's first records through a template, tokenized as training sees them (per token: id, text, loss)");
        return app;
    }

    static async Task<FilePreviewResponse> Handle(string file_id, FilePreviewRequest? request, HttpContext http, TuningDbContext db, DataPaths paths,
        ArtifactMirror mirror, ModelCatalog catalog, ModelCache models, DatasetOperationGate gate, CancellationToken ct)
    {
        request ??= new FilePreviewRequest();
        var owner = Caller.From(http).Owner;
        var limit = request.Limit ?? DefaultLimit;
        if (limit is < 1 or > MaxLimit) throw ApiException.BadRequest($"limit must be between 1 and {MaxLimit}, got {limit}.", "limit");
        if (request.MaxSeqLength is < 2) throw ApiException.BadRequest($"max_seq_length must be at least 2, got {request.MaxSeqLength}.", "max_seq_length");
        var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == file_id && f.Owner == owner, ct)
            ?? throw ApiException.NotFound("file", file_id, "file_id");
        if (file.Purpose != "fine-tune")
            throw ApiException.BadRequest($"File '{file.Id}' has purpose '{file.Purpose}'; only fine-tune files hold records to preview.", "file_id");
        var template = request.Template is { } json ? JobTemplateCheck.ParseOrThrow(json) : null;
        var modelId = string.IsNullOrWhiteSpace(request.Model) ? DefaultModel : request.Model;
        var model = await catalog.FindLocalAsync(db, modelId, owner, ct)
            ?? throw new ApiException(400, $"Model '{modelId}' does not exist or you do not have access to it. GET /v1/models lists them.", "model", "model_not_found");

        using var fileLease = await mirror.LeaseLocalFileAsync(file.RelativePath, ct); // uploaded through another machine; kept while read
        // The model's own tokenizer, chat template and context, through the trainer's setup; the cached inference copy avoids a reload.
        using var lease = await models.AcquireAsync(model, ct);
        // Only the first records are read; {options} taken from the file's labels reads them all, once, as a dataset operation.
        var path = paths.Resolve(file.RelativePath);
        var records = DatasetReader.Read(path, file).Take(limit).ToList();
        var renderer = template is null ? null
            : TemplateRenderer.ReadsFileLabels(template) ? await gate.RunAsync(_ => TemplateRenderer.For(template, DatasetReader.Read(path, file)), ct)
            : TemplateRenderer.For(template, records);
        var seed = request.Seed ?? 0;
        var chat = ChatFormatOf(lease.Model, modelId);
        List<(DatasetRecord Record, int? Phrasing, TrainingExample Example)> rendered;
        try
        {
            rendered = [.. records.Take(limit).Select(r => renderer is null
                ? (Record: r, Phrasing: (int?)null, Example: r.ToExample(chat))
                : renderer.Problem(r) is { } problem
                    ? throw ApiException.BadRequest($"{TemplateRenderer.Locate(file, r)} of {file.Id}: {problem}", "template")
                    : (r, renderer.PhrasingIndex(r, seed), renderer.Apply(r, seed)))];
        }
        catch (ChatTemplateException e)
        {
            throw ApiException.BadRequest($"The records of {file.Id} cannot be rendered with {chat!.Description}: {e.Message}", "model");
        }

        var trainOnInputs = request.TrainOnInputs ?? false;
        TrainingSetup setup;
        try
        {
            setup = TrainingSetup.For(lease.Model.Model, lease.Model.Tokenizer, request.MaxSeqLength, trainOnInputs);
        }
        catch (NotSupportedException e)
        {
            throw ApiException.BadRequest($"Model '{modelId}' cannot be fine-tuned: {e.Message}", "model");
        }
        var data = rendered.Select(x =>
        {
            var tokens = TokenPreview.Of(setup, lease.Model.Tokenizer, x.Example);
            return new PreviewExampleResponse(x.Record.Position, x.Phrasing, x.Example.Prompt, x.Example.Completion, tokens.Tokens,
                tokens.EncoderTokens, tokens.Tokens.Count(t => t.Loss), tokens.Truncated, tokens.UnknownTokens);
        }).ToList();
        return new FilePreviewResponse(file.Id, modelId, template?.Template.Name, seed, trainOnInputs, setup.ContextLength, data,
            Warnings(data, modelId, setup.ContextLength));
    }

    static List<string> Warnings(List<PreviewExampleResponse> data, string model, int context)
    {
        var warnings = new List<string>();
        if (data.Sum(d => d.UnknownTokens) is > 0 and var unknown)
            warnings.Add($"{unknown} tokens are <unk>: text {model}'s tokenizer cannot represent (newlines and rare characters for a " +
                         "character-level vocabulary). The model cannot read them; rephrase the template or clean the data.");
        if (data.Count(d => d.Truncated) is > 0 and var truncated)
            warnings.Add($"{truncated} of {data.Count} examples exceed {context} tokens and lose the start of their prompt (or the end of their completion).");
        return warnings;
    }

    /// <summary>The chat template a job on this model would render chat records with (the model's own, else plain); none for an encoder-decoder model.</summary>
    static ChatFormat? ChatFormatOf(LoadedInferenceModel model, string modelId)
    {
        if (model.Model.Model is Core.Models.Seq2SeqLanguageModel) return null;
        try
        {
            return model.ChatFormat;
        }
        catch (ChatTemplateException e)
        {
            throw ApiException.BadRequest($"Model '{modelId}' ships a chat template that cannot be used: {e.Message}", "model");
        }
    }
}
