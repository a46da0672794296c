namespace TuningService.Core.Generation;

/// <summary>
/// One token a prompt's completion produced, reported as soon as it is chosen (for streaming). Every produced token
/// is reported, including a stop token; concatenating one prompt's <see cref="TextDelta"/>s gives exactly its
/// <see cref="GenerationOutput.Text"/>, and the last event of a prompt is the one with a <see cref="FinishReason"/>.
/// </summary>
/// <param name="TokenId">The chosen id. A stop token's event (FinishReason "stop") is not part of
/// <see cref="GenerationOutput.TokenIds"/>.</param>
/// <param name="TextDelta">Text to append now. Empty while text is held back: an incomplete UTF-8 character, or
/// text that may be the start of a stop sequence, is released once it is known to belong to the output.</param>
/// <param name="Logprob">Set when logprobs were asked for, except on a stop token's event.</param>
/// <param name="FinishReason">Null while the completion goes on; then <see cref="FinishReasons"/>.</param>
public sealed record GeneratedToken(int TokenId, string TextDelta, TokenLogprob? Logprob, string? FinishReason);
