namespace TuningService.Core.Generation;

/// <summary>The log-probability of one completion token and the most likely alternatives at its position.</summary>
/// <param name="Token">The token's text in context (special tokens written out, e.g. "&lt;/s&gt;").</param>
/// <param name="Logprob">Natural log of its probability under the model (before temperature, top-k and top-p).</param>
/// <param name="TopLogprobs">The <see cref="GenerationOptions.Logprobs"/> most likely tokens, most likely first.</param>
public sealed record TokenLogprob(int TokenId, string Token, float Logprob, IReadOnlyList<TopLogprob> TopLogprobs);
