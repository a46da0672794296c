using TuningService.Core.Generation;

namespace TuningService.Api.Completions;

/// <summary>OpenAI's text_completion object (also each streamed chunk, with `text` as the new piece).</summary>
public sealed record TextCompletionResponse(string Id, long Created, string Model, IReadOnlyList<TextCompletionChoice> Choices, UsageResponse? Usage)
{
    public string Object => "text_completion";
}

public sealed record TextCompletionChoice(string Text, int Index, LegacyLogprobs? Logprobs, string? FinishReason);

/// <summary>The completions API's logprobs layout: parallel lists per token.</summary>
public sealed record LegacyLogprobs(IReadOnlyList<string> Tokens, IReadOnlyList<float> TokenLogprobs,
    IReadOnlyList<Dictionary<string, float>> TopLogprobs, IReadOnlyList<int> TextOffset)
{
    public static LegacyLogprobs? From(IReadOnlyList<TokenLogprob>? logprobs)
    {
        if (logprobs is null) return null;
        var offsets = new List<int>();
        var offset = 0;
        foreach (var l in logprobs)
        {
            offsets.Add(offset);
            offset += l.Token.Length;
        }
        return new LegacyLogprobs(logprobs.Select(l => l.Token).ToList(), logprobs.Select(l => l.Logprob).ToList(),
            logprobs.Select(l => l.TopLogprobs.GroupBy(t => t.Token).ToDictionary(g => g.Key, g => g.First().Logprob)).ToList(), offsets);
    }
}

public sealed record UsageResponse(int PromptTokens, int CompletionTokens)
{
    public int TotalTokens => PromptTokens + CompletionTokens;
}

/// <summary>OpenAI's chat.completion object.</summary>
public sealed record ChatCompletionResponse(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, UsageResponse Usage)
{
    public string Object => "chat.completion";
}

public sealed record ChatChoice(int Index, ChatMessageResponse Message, string FinishReason);

public sealed record ChatMessageResponse(string Role, string Content);

/// <summary>One streamed chat chunk: the first carries the role, later ones content, the last the finish reason.</summary>
public sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChatChunkChoice> Choices)
{
    public string Object => "chat.completion.chunk";
}

public sealed record ChatChunkChoice(int Index, ChatDelta Delta, string? FinishReason);

/// <summary>Only the fields a chunk carries are written, as OpenAI streams them.</summary>
public sealed record ChatDelta(
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Content);
