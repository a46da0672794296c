using System.Text.Json.Nodes;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The variables a chat template is rendered with, as transformers' <c>apply_chat_template</c> passes them:
/// <c>messages</c>, <c>tools</c> and <c>documents</c> (always defined; null is Python's None),
/// <c>add_generation_prompt</c>, the special tokens that are set, and any further keyword arguments
/// (<c>enable_thinking</c>, <c>date_string</c>, ...), which win over special tokens of the same name.
/// Values are JSON, as the API receives them; object key order is kept (it is what <c>tojson</c> prints). From a
/// <see cref="System.Text.Json.JsonElement"/>, wrap it without copying: <c>JsonArray.Create(element)</c> or
/// <c>JsonObject.Create(element)</c>.
/// </summary>
public sealed class ChatTemplateInput
{
    /// <summary>The conversation: a JSON array of message objects (role, content as a string or a list of parts,
    /// tool_calls, ...), passed through as they are.</summary>
    public required JsonNode? Messages { get; init; }

    /// <summary>Tool definitions (a JSON array), or null: the template sees <c>tools</c> as None, defined.</summary>
    public JsonNode? Tools { get; init; }

    /// <summary>Documents for retrieval templates, or null (None, defined).</summary>
    public JsonNode? Documents { get; init; }

    public bool AddGenerationPrompt { get; init; }

    /// <summary>Special tokens by name (<c>bos_token</c>, <c>eos_token</c>, <c>unk_token</c>, <c>pad_token</c>, ...).
    /// A null value leaves the name undefined in the template, as transformers does for an unset token.</summary>
    public IReadOnlyDictionary<string, string?> SpecialTokens { get; init; } = new Dictionary<string, string?>();

    /// <summary>Further top-level variables; a JSON null is None.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Variables { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>The instant <c>strftime_now</c> formats; null means the local time at render (what transformers does).</summary>
    public DateTime? Now { get; init; }
}
