namespace TuningService.Core.Training;

/// <summary>The reference model's summed completion log-probs of a preference pair's two answers.</summary>
public sealed record PairReference(float Chosen, float Rejected);
