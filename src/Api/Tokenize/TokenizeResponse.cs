using System.Text.Json.Serialization;

namespace TuningService.Api.Tokenize;

/// <summary>
/// vLLM's tokenize response; <c>prompt</c> is this service's extension: the text a conversation was rendered to
/// (written only when messages were given).
/// </summary>
/// <param name="Tokens">The token ids.</param>
/// <param name="Count">How many there are.</param>
/// <param name="MaxModelLen">The model's context window in tokens.</param>
/// <param name="TokenStrs">Each id's token string, when return_token_strs asked for them.</param>
/// <param name="Prompt">The rendered conversation, when messages were given.</param>
public sealed record TokenizeResponse(
    IReadOnlyList<int> Tokens,
    int Count,
    int MaxModelLen,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? TokenStrs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prompt);
