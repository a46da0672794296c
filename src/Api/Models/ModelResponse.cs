using TuningService.Core.Catalog;

namespace TuningService.Api.Models;

/// <summary>OpenAI's model object, plus where a fine-tuned model came from.</summary>
public sealed record ModelResponse(string Id, long Created, string OwnedBy, string? BaseModel, string? FineTuningJob)
{
    public string Object => "model";

    public static ModelResponse From(CatalogModel m) => new(m.Id, m.CreatedAt, m.OwnedBy, m.BaseModel, m.JobId);
}
