namespace TuningService.Core.Generation;

/// <summary>The tokens a generator produced after the prompt.</summary>
/// <param name="TokenIds">New tokens, without the prompt and without the stop token.</param>
/// <param name="StoppedAtStopToken">True when generation ended because the model produced the stop token
/// (which is then not in <see cref="TokenIds"/>); false when it ran for the full token budget.</param>
public sealed record GenerationResult(IReadOnlyList<int> TokenIds, bool StoppedAtStopToken);
