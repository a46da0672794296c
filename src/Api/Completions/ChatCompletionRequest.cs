using System.Text.Json;
using System.Text.Json.Nodes;

namespace TuningService.Api.Completions;

/// <summary>POST /v1/chat/completions, as OpenAI defines it; `top_k` and `chat_template_kwargs` (as vLLM's) are extensions.</summary>
public sealed class ChatCompletionRequest
{
    /// <example>babyllama-tinystories</example>
    public string? Model { get; set; }

    /// <summary>
    /// OpenAI's messages: {"role", "content"} objects, content a string or an array of {"type": "text", "text": ...}
    /// parts. With a chat template every field (tool_calls, name, tool_call_id, ...) reaches the template; the plain
    /// layout takes the roles system, developer, user and assistant.
    /// </summary>
    public JsonArray? Messages { get; set; }

    /// <summary>OpenAI's tools, given to chat templates that describe them to the model.</summary>
    public JsonArray? Tools { get; set; }

    /// <summary>Extra chat template variables, e.g. {"enable_thinking": false} for Qwen3.</summary>
    public JsonObject? ChatTemplateKwargs { get; set; }

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
