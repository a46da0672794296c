using System.Text.Json;

namespace TuningService.Api.Completions;

/// <summary>POST /v1/chat/completions, as OpenAI defines it; `top_k` is an extension.</summary>
public sealed class ChatCompletionRequest
{
    /// <example>babyllama-tinystories</example>
    public string? Model { get; set; }
    public List<ChatMessageRequest>? Messages { get; set; }
    public int? MaxTokens { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public int? TopK { get; set; }
    public int? N { get; set; }
    public JsonElement? Stop { get; set; }
    public long? Seed { get; set; }
    public bool? Stream { get; set; }
}

public sealed class ChatMessageRequest
{
    /// <example>user</example>
    public string? Role { get; set; }
    /// <summary>A string, or an array of {"type": "text", "text": ...} parts.</summary>
    public JsonElement? Content { get; set; }
}
