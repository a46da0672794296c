namespace TuningService.Core.FineTuning;

/// <summary>What a successful claim found: the status before it, and the claims that have not ended cleanly, this one included.</summary>
public sealed record JobClaim(string StatusBefore, int Attempts, long Generation);
