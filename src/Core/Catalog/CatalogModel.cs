namespace TuningService.Core.Catalog;

/// <summary>A model in the catalog and the Hugging Face-format folder that holds it.</summary>
public sealed record CatalogModel(string Id, string Directory, long CreatedAt, string OwnedBy, string? BaseModel, string? JobId)
{
    /// <summary>The sub-folder of a LoRA fine-tune's (or LoRA checkpoint's) folder that holds its adapter in PEFT's format.</summary>
    public const string AdapterFolderName = "adapter";

    /// <summary>The name of the original base model a fine-tuned chain started from.</summary>
    public string RootBaseModel => BaseModel ?? Id;

    public ModelOrigin Origin { get; init; } = ModelOrigin.FineTuned;

    /// <summary>
    /// For a fine-tuned model or checkpoint: the model its job started from, as the catalog has it now, i.e. what a
    /// LoRA adapter of it applies to. That is not <see cref="RootBaseModel"/> for a fine-tune of a fine-tune: the
    /// adapter was trained on the intermediate model's (merged) weights. Null for base models, and when the starting
    /// model is no longer available.
    /// </summary>
    public CatalogModel? StartingModel { get; init; }

    /// <summary>Where a LoRA fine-tune keeps its PEFT adapter (absent for full fine-tunes and base models).</summary>
    public string AdapterDirectory => Path.Combine(Directory, AdapterFolderName);
}
