namespace TuningService.Core.Evaluation;

/// <summary>One test example with what each model generated for it (null where that model was not evaluated).</summary>
/// <param name="Prompt">The test prompt itself (the ICL baseline saw training examples before it).</param>
public sealed record SideBySideSample(int Index, string Task, string Prompt, string Expected, string? Base, string? Icl, string? FineTuned);
