using System.Text.Json;

namespace TuningService.Api.Completions;

/// <summary>POST /v1/completions, as OpenAI defines it; `top_k` is an extension.</summary>
public sealed class CompletionRequest
{
    /// <example>babyllama-tinystories</example>
    public string? Model { get; set; }
    /// <summary>A string, an array of strings, an array of token ids, or an array of arrays of token ids.</summary>
    public JsonElement? Prompt { get; set; }
    public int? MaxTokens { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? TopK { get; set; }
    public int? N { get; set; }
    /// <summary>A string or up to 4 strings; generation stops before any of them.</summary>
    public JsonElement? Stop { get; set; }
    public long? Seed { get; set; }
    /// <summary>Return this many most likely tokens' log probabilities at each position (0–5).</summary>
    public int? Logprobs { get; set; }
    public bool? Stream { get; set; }
    public bool? Echo { get; set; }
}
