namespace TuningService.Api.Tokenize;

/// <summary>vLLM's detokenize response: the text of the ids.</summary>
public sealed record DetokenizeResponse(string Prompt);
