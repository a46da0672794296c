namespace TuningService.Core.Configuration;

/// <summary>One API key. Files, jobs and fine-tuned models belong to <see cref="Owner"/>.</summary>
public sealed class ApiKeyOptions
{
    public string Key { get; set; } = "";
    public string Owner { get; set; } = "";
    public bool Admin { get; set; }
}
