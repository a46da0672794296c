namespace TuningService.Bench.StorageBench;

/// <summary>One upload's figures; printed by a child run on one line after <see cref="LinePrefix"/>.</summary>
public sealed record UploadResult(string Store, long Bytes, double Seconds, double BaselineRssMb, double PeakRssMb)
{
    public const string LinePrefix = "UPLOAD-RESULT ";

    /// <summary>Decimal megabytes (10^6 bytes) per second, as the "MB/s".</summary>
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;

    public double PeakAboveBaselineMb => PeakRssMb - BaselineRssMb;
}
