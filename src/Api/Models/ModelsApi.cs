using TuningService.Api.Infrastructure;
using TuningService.Core.Catalog;
using TuningService.Core.Persistence;

namespace TuningService.Api.Models;

/// <summary>/v1/models: the base models and the caller's fine-tuned models, and their download.</summary>
public static class ModelsApi
{
    public static IEndpointRouteBuilder MapModels(this IEndpointRouteBuilder app)
    {
        var models = app.MapGroup("/v1/models").WithTags("Models");
        models.MapGet("/", List).WithSummary("List base models and your fine-tuned models");
        models.MapGet("/{model}", Retrieve).WithSummary("Get one model (ids like ft:babyllama-tinystories:my-suffix:ftjob-...)");
        models.MapGet("/{model}/content", Download)
            .WithSummary("Download a model as a tar archive of a Hugging Face-format folder (config, safetensors, tokenizer)");
        return app;
    }

    static async Task<ModelListResponse> List(HttpContext http, TuningDbContext db, ModelCatalog catalog, CancellationToken ct)
    {
        var all = await catalog.ListAsync(db, Caller.From(http).Owner, ct);
        return new ModelListResponse(all.Select(ModelResponse.From).ToList());
    }

    static async Task<ModelResponse> Retrieve(string model, HttpContext http, TuningDbContext db, ModelCatalog catalog, CancellationToken ct) =>
        ModelResponse.From(await FindAsync(model, http, db, catalog, ct));

    static async Task Download(string model, HttpContext http, TuningDbContext db, ModelCatalog catalog, CancellationToken ct)
    {
        var found = await FindAsync(model, http, db, catalog, ct);
        await ModelArchive.WriteAsync(http, found.Directory, found.Id, ct);
    }

    static async Task<CatalogModel> FindAsync(string id, HttpContext http, TuningDbContext db, ModelCatalog catalog, CancellationToken ct) =>
        await catalog.FindAsync(db, id, Caller.From(http).Owner, ct)
        ?? throw new ApiException(404, $"The model '{id}' does not exist or you do not have access to it.", "model", "model_not_found");
}

public sealed record ModelListResponse(IReadOnlyList<ModelResponse> Data)
{
    public string Object => "list";
}
