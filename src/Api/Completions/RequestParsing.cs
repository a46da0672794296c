using System.Text.Json;
using TuningService.Api.Infrastructure;
using TuningService.Core.Generation;

namespace TuningService.Api.Completions;

/// <summary>Checks the sampling fields both completion endpoints share; every bad value is a 400 naming it.</summary>
public static class RequestParsing
{
    public const int MaxN = 8, MaxStopSequences = 4, MaxLogprobs = 5;

    /// <summary>Prompts one completions request may batch, as OpenAI allows: one request cannot hold the model for long.</summary>
    public const int MaxPrompts = 2048;

    public static GenerationOptions Options(double? temperature, double? topP, int? topK, long? seed, JsonElement? stop, int? logprobs)
    {
        if (temperature is < 0 or > 2) throw ApiException.BadRequest($"temperature must be between 0 and 2, got {temperature}.", "temperature");
        if (topP is <= 0 or > 1) throw ApiException.BadRequest($"top_p must be greater than 0 and at most 1, got {topP}.", "top_p");
        if (topK is < 1) throw ApiException.BadRequest($"top_k must be at least 1, got {topK}.", "top_k");
        if (logprobs is < 0 or > MaxLogprobs) throw ApiException.BadRequest($"logprobs must be between 0 and {MaxLogprobs}, got {logprobs}.", "logprobs");
        return new GenerationOptions
        {
            Temperature = temperature ?? 1.0, TopP = topP ?? 1.0, TopK = topK, Seed = seed, StopSequences = StopSequences(stop), Logprobs = logprobs,
        };
    }

    /// <summary>
    /// An OpenAI field this service does not implement, given a value other than its default: a 400 naming it, since
    /// ignoring it would answer something else than was asked. Its default is accepted: clients send defaults.
    /// </summary>
    public static void RefuseUnsupported(string param, bool asked)
    {
        if (asked)
            throw new ApiException(400, $"{param} is not supported by this service; leave it out or send its default.", param, "unsupported_parameter");
    }

    /// <summary>The penalties and logit_bias both endpoints take from OpenAI, at their defaults only.</summary>
    public static void RefuseUnsupportedSampling(double? frequencyPenalty, double? presencePenalty, Dictionary<string, double>? logitBias)
    {
        RefuseUnsupported("frequency_penalty", frequencyPenalty is not (null or 0));
        RefuseUnsupported("presence_penalty", presencePenalty is not (null or 0));
        RefuseUnsupported("logit_bias", logitBias is { Count: > 0 });
    }

    public static int N(int? n) => n is null ? 1
        : n is >= 1 and <= MaxN ? n.Value
        : throw ApiException.BadRequest($"n must be between 1 and {MaxN}, got {n}.", "n");

    public static int? MaxTokens(int? maxTokens, string param) => maxTokens is null or >= 1 ? maxTokens
        : throw ApiException.BadRequest($"{param} must be at least 1, got {maxTokens}.", param);

    static IReadOnlyList<string> StopSequences(JsonElement? stop)
    {
        if (stop is null || stop.Value.ValueKind == JsonValueKind.Null) return [];
        var list = stop.Value.ValueKind switch
        {
            JsonValueKind.String => [stop.Value.GetString()!],
            JsonValueKind.Array when stop.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                stop.Value.EnumerateArray().Select(e => e.GetString()!).ToList(),
            _ => throw ApiException.BadRequest("stop must be a string or an array of strings.", "stop"),
        };
        if (list.Count > MaxStopSequences) throw ApiException.BadRequest($"stop may hold at most {MaxStopSequences} sequences.", "stop");
        if (list.Any(string.IsNullOrEmpty)) throw ApiException.BadRequest("stop sequences must not be empty.", "stop");
        return list;
    }

    /// <summary>OpenAI's four prompt shapes: a string, strings, token ids, or arrays of token ids.</summary>
    public static IReadOnlyList<PromptInput> Prompts(JsonElement? prompt)
    {
        const string Shapes = "prompt must be a string, an array of strings, an array of token ids or an array of arrays of token ids.";
        if (prompt is null || prompt.Value.ValueKind == JsonValueKind.Null) throw ApiException.BadRequest("prompt is required.", "prompt");
        var p = prompt.Value;
        if (p.ValueKind == JsonValueKind.String) return [new PromptInput(p.GetString(), null)];
        if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() == 0) throw ApiException.BadRequest(Shapes, "prompt");
        var items = p.EnumerateArray().ToList();
        if (items.Count > MaxPrompts && items[0].ValueKind is JsonValueKind.String or JsonValueKind.Array)
            throw ApiException.BadRequest($"prompt may hold at most {MaxPrompts} prompts; this request has {items.Count}. Split it into several requests.", "prompt");
        if (items.All(e => e.ValueKind == JsonValueKind.String)) return items.Select(e => new PromptInput(e.GetString(), null)).ToList();
        if (items.All(e => e.ValueKind == JsonValueKind.Number)) return [new PromptInput(null, TokenIds(items))];
        if (items.All(e => e.ValueKind == JsonValueKind.Array)) return items.Select(e => new PromptInput(null, TokenIds(e.EnumerateArray().ToList()))).ToList();
        throw ApiException.BadRequest(Shapes, "prompt");
    }

    static int[] TokenIds(List<JsonElement> items)
    {
        if (items.Count == 0 || items.Any(e => e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out _)))
            throw ApiException.BadRequest("A token-id prompt must be a non-empty array of integers.", "prompt");
        return items.Select(e => e.GetInt32()).ToArray();
    }
}
