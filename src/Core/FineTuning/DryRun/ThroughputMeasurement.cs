namespace TuningService.Core.FineTuning.DryRun;

/// <summary>A calibrated throughput (the trainer's tokens/s), whether it was measured earlier, and the shape it was measured for.</summary>
public sealed record ThroughputMeasurement(double TokensPerSecond, bool Cached, string Shape);
