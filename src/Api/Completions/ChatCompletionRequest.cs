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

    // OpenAI's other fields. Its clients send some of them by themselves (stream_options with every streamed request), and
    // a body with a field this type lacks is a 400 (UnknownParameter); so each is modelled: those that change nothing here
    // are accepted and ignored, those that would change the answer are accepted at their default and refused otherwise
    // (RequestParsing.RefuseUnsupported), never ignored. Fields of OpenAI's that are not here (audio, prediction, ...) are 400s.

    /// <summary>Not supported: only 0 (the default) is accepted.</summary>
    public double? FrequencyPenalty { get; set; }
    /// <summary>Not supported: only 0 (the default) is accepted.</summary>
    public double? PresencePenalty { get; set; }
    /// <summary>Not supported: only an empty map is accepted.</summary>
    public Dictionary<string, double>? LogitBias { get; set; }
    /// <summary>Not supported: only false (the default) is accepted.</summary>
    public bool? Logprobs { get; set; }
    /// <summary>Not supported: only 0 is accepted.</summary>
    public int? TopLogprobs { get; set; }
    /// <summary>Only {"type": "text"} (the default) is accepted: answers are never constrained to JSON.</summary>
    public JsonObject? ResponseFormat { get; set; }
    /// <summary>"auto" or "none" is accepted (the template sees the tools; the answer is text); a forced tool call is not.</summary>
    public JsonElement? ToolChoice { get; set; }
    /// <summary>Accepted and ignored (tool calls are never parsed out of the answer).</summary>
    public bool? ParallelToolCalls { get; set; }
    /// <summary>Accepted and ignored (OpenAI's include_usage: no usage chunk is streamed).</summary>
    public JsonElement? StreamOptions { get; set; }
    /// <summary>Accepted and ignored: OpenAI's end-user id, stored-completion and billing fields.</summary>
    public string? User { get; set; }
    /// <summary>Accepted and ignored.</summary>
    public Dictionary<string, string>? Metadata { get; set; }
    /// <summary>Accepted and ignored (nothing is stored).</summary>
    public bool? Store { get; set; }
    /// <summary>Accepted and ignored.</summary>
    public string? ServiceTier { get; set; }
    /// <summary>Accepted and ignored.</summary>
    public string? PromptCacheKey { get; set; }
    /// <summary>Accepted and ignored.</summary>
    public string? SafetyIdentifier { get; set; }
}
