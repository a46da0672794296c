namespace TuningService.Core.FineTuning.Memory;

/// <summary>One named part of a memory estimate, with how it was counted.</summary>
/// <param name="Name">What the bytes are, e.g. "weights", "optimizer_state", "activations".</param>
/// <param name="Bytes">Its size in bytes.</param>
/// <param name="Detail">The formula with this job's numbers, for a person to check.</param>
public sealed record MemoryTerm(string Name, long Bytes, string Detail);
