namespace TuningService.Bench.IngestBench;

/// <summary>
/// Lets `perf record --control fifo:FIFO -D -1` sample only the measured upload, not the start-up (JIT of the whole
/// API, EF migrations), which would otherwise be most of the profile: when INGEST_PERF_CTL names perf's control
/// FIFO, sampling is switched on just before the upload and off just after. Without it, nothing happens.
/// </summary>
public static class PerfWindow
{
    private static readonly string? Fifo = Environment.GetEnvironmentVariable("INGEST_PERF_CTL");

    public static void Enable() => Send("enable");

    public static void Disable() => Send("disable");

    private static void Send(string command)
    {
        if (Fifo is not null)
            File.AppendAllText(Fifo, command + "\n");
    }
}
