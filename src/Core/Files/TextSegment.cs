namespace TuningService.Core.Files;

/// <summary>
/// A piece of a rendered training sequence and whether the model learns to produce it: a chat template's markup,
/// system and user turns are context (<paramref name="Trained"/> false); assistant answers and their end-of-turn
/// markers are trained.
/// </summary>
public sealed record TextSegment(string Text, bool Trained);
