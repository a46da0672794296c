namespace TuningService.Core.Imports;

/// <summary>Where an imported model's files came from.</summary>
public static class ModelImportSource
{
    /// <summary>An uploaded .tar, .tar.gz or .zip of a Hugging Face folder.</summary>
    public const string Archive = "archive";

    /// <summary>Downloaded from the Hugging Face Hub (Tuning:HubUrl).</summary>
    public const string Hub = "hf";
}
