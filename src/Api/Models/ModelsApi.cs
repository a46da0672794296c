using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Catalog;
using TuningService.Core.Configuration;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Models;

/// <summary>/v1/models: the base models and the caller's fine-tuned models, their download, import and deletion.</summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/v1/models").WithTags("Models");
        models.MapGet("/", List).WithSummary("List base models and your fine-tuned models");
        models.MapGet("/{model}", Retrieve).WithSummary("Get one model (ids like ft:babyllama-tinystories:my-suffix:ftjob-...), with its parameter count and weight bytes");
        models.MapGet("/{model}/content", Download)
            .WithSummary("Download a model as a tar archive of a Hugging Face-format folder (config, safetensors, tokenizer); ?variant=adapter for a LoRA model's PEFT adapter");
        models.MapDelete("/{model}", DeleteModel.Handle)
            .WithSummary("Delete your fine-tuned model, or (admins) an imported model; not while an unfinished job starts from it");
        models.MapPost("/import", ImportModel.Handle)
            .Accepts<ImportModelForm>("multipart/form-data", "application/json") // the JSON schema: ImportModelBodyFilter
            .Produces<ModelImportResponse>(StatusCodes.Status200OK)
            .Produces<ModelImportResponse>(StatusCodes.Status202Accepted)
            .WithSummary("Import a base model (admins): upload an archive, or JSON {\"source\": \"hf\", \"repo\", \"revision\", \"name\"} to download from the Hub")
            .WithDescription("multipart/form-data with 'file' (.tar, .tar.gz or .zip of a Hugging Face folder) and 'name': extracted, load-checked and added at once (200). " +
                "application/json {\"source\": \"hf\", \"repo\": \"google/flan-t5-small\", \"revision\": \"main\", \"name\": optional}: downloaded in the background (202); follow it at GET /v1/models/imports/{id}.");
        models.MapGet("/imports/{import_id}", RetrieveImport).WithSummary("Get a model import's status and progress (admins)");
        return app;
    }

    static async Task<ModelListResponse> List(HttpContext http, TuningDbContext db, ModelCatalog catalog, ModelSizes sizes, CancellationToken ct)
    {
        var all = await catalog.ListAsync(db, Caller.From(http).Owner, ct);
        return new ModelListResponse(all.Select(m => ModelResponse.From(m, sizes.Of(m.Directory))).ToList());
    }

    static async Task<ModelResponse> Retrieve(string model, HttpContext http, TuningDbContext db, ModelCatalog catalog, ModelSizes sizes, CancellationToken ct)
    {
        var found = await FindAsync(model, http, db, catalog, ct);
        return ModelResponse.From(found, sizes.Of(found.Directory));
    }

    static async Task Download(string model, string? variant, HttpContext http, TuningDbContext db, ModelCatalog catalog, ArtifactMirror mirror,
        DataPaths paths, CancellationToken ct)
    {
        var found = await FindAsync(model, http, db, catalog, ct);
        if (found.Origin is ModelOrigin.BuiltIn or ModelOrigin.ModelsPath) // shipped beside every process, never in the store
        {
            await ModelArchive.WriteVariantAsync(http, found.Directory, found.Id, variant, ct);
            return;
        }
        // Trained or imported on another machine: streamed from the artifact store, not fetched to disk first.
        await ModelArchive.WriteVariantAsync(http, mirror, paths, Path.GetRelativePath(paths.Root, found.Directory), found.Id, variant,
            DateTimeOffset.FromUnixTimeSeconds(found.CreatedAt), ct);
    }

    static async Task<ModelImportResponse> RetrieveImport(string import_id, HttpContext http, TuningDbContext db, CancellationToken ct)
    {
        Caller.From(http).RequireAdmin("see model imports");
        var import = await db.ModelImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == import_id, ct)
            ?? throw ApiException.NotFound("model import", import_id, "import_id");
        return ModelImportResponse.From(import);
    }

    static async Task<CatalogModel> FindAsync(string id, HttpContext http, TuningDbContext db, ModelCatalog catalog, CancellationToken ct) =>
        await catalog.FindAsync(db, id, Caller.From(http).Owner, ct)
        ?? throw new ApiException(404, $"The model '{id}' does not exist or you do not have access to it.", "model", "model_not_found");
}

public sealed record ModelListResponse(IReadOnlyList<ModelResponse> Data)
{
    public string Object => "list";
}
