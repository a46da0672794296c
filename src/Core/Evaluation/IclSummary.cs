namespace TuningService.Core.Evaluation;

/// <summary>
/// How the in-context-learning baseline was prompted: <see cref="Shots"/> training examples before each test prompt,
/// as many of them as fit. A prompt that does not fit with all its shots is scored with fewer (down to none: then it
/// is the plain zero-shot prompt); <see cref="PromptsWithFewerShots"/> counts those, so a baseline that mostly ran
/// zero-shot is visible as such.
/// </summary>
public sealed record IclSummary(int Shots, int Prompts, int PromptsWithFewerShots, int PromptsWithoutShots, double MeanShotsUsed, string Separator);
