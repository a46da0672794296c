namespace TuningService.Core.Evaluation;

/// <summary>Greedy completions, one per prompt in prompt order, and how the prompts were fitted to the context.</summary>
/// <param name="PromptsTruncated">Prompts whose start was dropped so that prompt + budget fit the context.</param>
public sealed record GeneratedCompletions(IReadOnlyList<string> Texts, int MaxNewTokens, int PromptsTruncated);
