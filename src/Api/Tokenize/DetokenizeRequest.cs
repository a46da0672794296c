namespace TuningService.Api.Tokenize;

/// <summary>POST /detokenize, as vLLM's: token ids back to text (special tokens kept).</summary>
public sealed class DetokenizeRequest
{
    /// <example>babyllama-tinystories</example>
    public string? Model { get; set; }

    public List<int>? Tokens { get; set; }
}
