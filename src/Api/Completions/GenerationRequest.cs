using TuningService.Core.Generation;

namespace TuningService.Api.Completions;

/// <summary>What both completion endpoints ask the model for, after their request was checked.</summary>
/// <param name="Model">A base, fine-tuned or checkpoint model id.</param>
/// <param name="Prompts">Text prompts (tokenized with the model's tokenizer) or token-id prompts (used as given).</param>
/// <param name="N">Completions per prompt.</param>
/// <param name="MaxTokens">Null: as many as the context leaves (chat's default).</param>
/// <param name="Options">Sampling and stopping; MaxNewTokens is set from MaxTokens once the prompt length is known.</param>
public sealed record GenerationRequest(string Model, IReadOnlyList<PromptInput> Prompts, int N, int? MaxTokens, GenerationOptions Options);

/// <summary>One prompt: text or token ids.</summary>
public sealed record PromptInput(string? Text, IReadOnlyList<int>? TokenIds);
