namespace TuningService.Core.Catalog;

/// <summary>A model in the catalog and the Hugging Face-format folder that holds it.</summary>
public sealed record CatalogModel(string Id, string Directory, long CreatedAt, string OwnedBy, string? BaseModel, string? JobId)
{
    /// <summary>The name of the original base model a fine-tuned chain started from.</summary>
    public string RootBaseModel => BaseModel ?? Id;

    public ModelOrigin Origin { get; init; } = ModelOrigin.FineTuned;
}
