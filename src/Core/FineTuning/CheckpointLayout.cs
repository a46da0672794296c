namespace TuningService.Core.FineTuning;

/// <summary>
/// A checkpoint folder is a full Hugging Face model (merged, for LoRA jobs); a LoRA job's checkpoint also holds its
/// adapters in PEFT's format in <see cref="AdapterFolder"/>.
/// </summary>
public static class CheckpointLayout
{
    public const string AdapterFolder = Catalog.CatalogModel.AdapterFolderName;
}
