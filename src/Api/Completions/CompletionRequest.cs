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

    // OpenAI's other fields. Its clients send some of them by themselves, and a body with a field this type lacks is a 400
    // (UnknownParameter); so each is modelled: those that change nothing here are accepted and ignored, those that would
    // change the text are accepted at their default and refused otherwise (RequestParsing.RefuseUnsupported), never ignored.

    /// <summary>Not supported: only false (the default) is accepted.</summary>
    public bool? Echo { get; set; }
    /// <summary>Not supported: only 1 (the default) is accepted.</summary>
    public int? BestOf { get; set; }
    /// <summary>Not supported: only an empty suffix is accepted.</summary>
    public string? Suffix { get; set; }
    /// <summary>Not supported: only 0 (the default) is accepted.</summary>
    public double? FrequencyPenalty { get; set; }
    /// <summary>Not supported: only 0 (the default) is accepted.</summary>
    public double? PresencePenalty { get; set; }
    /// <summary>Not supported: only an empty map is accepted.</summary>
    public Dictionary<string, double>? LogitBias { get; set; }
    /// <summary>Accepted and ignored (OpenAI's include_usage: no usage chunk is streamed).</summary>
    public JsonElement? StreamOptions { get; set; }
    /// <summary>Accepted and ignored (OpenAI's end-user id for abuse monitoring).</summary>
    public string? User { get; set; }
}
