using TuningService.Core.Generation;

namespace TuningService.Api.Completions;

/// <summary>What both completion endpoints ask the model for, after their request was checked.</summary>
/// <param name="Model">A base, fine-tuned or checkpoint model id.</param>
/// <param name="Prompts">Text prompts (tokenized with the model's tokenizer) or token-id prompts (used as given); empty for chat.</param>
/// <param name="N">Completions per prompt.</param>
/// <param name="MaxTokens">Null: as many as the context leaves (chat's default).</param>
/// <param name="Options">Sampling and stopping; MaxNewTokens is set from MaxTokens once the prompt length is known.</param>
/// <param name="Chat">A conversation, rendered with the model's chat format once the model is loaded (chat completions).</param>
public sealed record GenerationRequest(string Model, IReadOnlyList<PromptInput> Prompts, int N, int? MaxTokens, GenerationOptions Options,
    ChatPrompt? Chat = null);

/// <summary>One prompt: text or token ids.</summary>
public sealed record PromptInput(string? Text, IReadOnlyList<int>? TokenIds);
