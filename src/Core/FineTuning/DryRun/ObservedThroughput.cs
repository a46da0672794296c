namespace TuningService.Core.FineTuning.DryRun;

/// <summary>The median tokens/s of <paramref name="Jobs"/> finished jobs, and the slowest and fastest of them.</summary>
internal sealed record ObservedThroughput(double TokensPerSecond, int Jobs, double Slowest, double Fastest);
