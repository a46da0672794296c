namespace TuningService.Core.Generation;

/// <summary>One of the most likely tokens at a position (OpenAI's `top_logprobs` entries).</summary>
/// <param name="Token">The token's text in context (special tokens written out, e.g. "&lt;/s&gt;").</param>
/// <param name="Logprob">Natural log of its probability under the model (before temperature, top-k and top-p).</param>
public sealed record TopLogprob(int TokenId, string Token, float Logprob);
