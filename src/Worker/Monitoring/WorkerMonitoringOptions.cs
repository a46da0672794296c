namespace TuningService.Worker.Monitoring;

/// <summary>Tuning:Worker: the worker process's own settings.</summary>
public sealed class WorkerMonitoringOptions
{
    public const string Section = "Tuning:Worker";

    /// <summary>
    /// Where the worker serves /metrics and /healthz/* (';'-separated, Kestrel URLs such as <c>http://+:9464</c>).
    /// Empty: no listener. The worker images set <c>http://+:9464</c>.
    /// </summary>
    public string MetricsUrls { get; set; } = "";
}
