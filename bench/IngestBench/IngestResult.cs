namespace TuningService.Bench.IngestBench;

/// <summary>What one child run measured; printed as one JSON line for the parent.</summary>
public sealed record IngestResult(string Mode, string File, long Bytes, long Records, double Seconds, double CpuSeconds, double BaselineRssMb, double PeakRssMb, string Answer)
{
    public const string LinePrefix = "RESULT ";

    public double MegabytesPerSecond => Bytes / 1024.0 / 1024.0 / Seconds;

    /// <summary>Per second of CPU time (all threads): what a core would do alone, less sensitive to a busy machine.</summary>
    public double MegabytesPerCpuSecond => Bytes / 1024.0 / 1024.0 / CpuSeconds;
}
