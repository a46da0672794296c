namespace TuningService.Core.Generation;

/// <summary>One prompt's completion.</summary>
/// <param name="TokenIds">Completion tokens, without the prompt and without a stop token. When a stop sequence ended
/// the completion, they run up to and including the token that completed it.</param>
/// <param name="Text">The completion decoded in the context of the prompt (so a leading space survives), cut before
/// a stop sequence.</param>
/// <param name="FinishReason"><see cref="FinishReasons.Stop"/> or <see cref="FinishReasons.Length"/>.</param>
/// <param name="Logprobs">One entry per <see cref="TokenIds"/> entry when logprobs were asked for; otherwise null.</param>
/// <param name="PromptTokens">Tokens in the prompt (OpenAI usage.prompt_tokens).</param>
/// <param name="CompletionTokens">Tokens the model produced, a stop token included (usage.completion_tokens).</param>
public sealed record GenerationOutput(
    IReadOnlyList<int> TokenIds,
    string Text,
    string FinishReason,
    IReadOnlyList<TokenLogprob>? Logprobs,
    int PromptTokens,
    int CompletionTokens);
