using System.Text.Json;

namespace TuningService.Api.Templates;

/// <summary>The body of POST /v1/files/{file_id}/preview (all optional).</summary>
public sealed class FilePreviewRequest
{
    /// <summary>As a job's `template`: a library name, {"prompt", "completion"}, or a list of those; absent: the format's default rendering.</summary>
    public JsonElement? Template { get; set; }
    /// <summary>The model whose tokenizer and context the preview uses (default: the built-in babyllama-tinystories).</summary>
    /// <example>babyllama-tinystories</example>
    public string? Model { get; set; }
    /// <summary>How many records from the start of the file (default 5, at most 50).</summary>
    public int? Limit { get; set; }
    /// <summary>The job seed that picks each record's phrasing (default 0).</summary>
    public int? Seed { get; set; }
    /// <summary>As the hyperparameter: the loss also on prompt tokens (default false).</summary>
    public bool? TrainOnInputs { get; set; }
    /// <summary>As the hyperparameter: truncate below the model's context.</summary>
    public int? MaxSeqLength { get; set; }
}
