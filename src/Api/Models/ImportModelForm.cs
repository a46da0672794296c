namespace TuningService.Api.Models;

/// <summary>Describes the multipart form of an archive import for Swagger UI; the endpoint itself streams the body.</summary>
public sealed class ImportModelForm
{
    /// <summary>A .tar, .tar.gz or .zip of a Hugging Face model folder (config.json, safetensors weights, tokenizer files), possibly inside one top-level folder.</summary>
    public required IFormFile File { get; init; }
    /// <summary>The new model's id: letters, digits, '.', '_', '-'; at most 64 characters.</summary>
    /// <example>my-model</example>
    public required string Name { get; init; }
}
