using System.Diagnostics.Metrics;
using Prometheus;
using TuningService.Core.Observability;

namespace TuningService.Worker.Monitoring;

/// <summary>
/// Publishes the instruments of <see cref="TuningMetrics"/> (Core's .NET <see cref="Meter"/>) as prometheus-net
/// metrics of the matching Prometheus type: a .NET counter becomes a counter, a histogram a histogram, an up-down
/// counter or a gauge a gauge. Written here rather than using prometheus-net's own MeterAdapter because that one
/// exports every .NET counter as a gauge (promtool rejects a <c>_total</c> gauge, and rate() over a gauge is wrong),
/// lets series lapse after a few idle minutes, and does not know the .NET 9 synchronous Gauge. Labels are declared up
/// front (<see cref="TuningMetrics.TagNamesOf"/>), so a counter is exported at 0 before its first event.
/// One per process: the prometheus-net registry and the meter are both process-wide.
/// </summary>
sealed class TuningMeterExporter
{
    static readonly Lock Gate = new();
    static TuningMeterExporter? started;

    // Never disposed: it lives as long as the process and the prometheus-net registry it feeds.

    readonly MeterListener listener = new();
    readonly Dictionary<Instrument, Action<double, string[]>> sinks = [];

    /// <summary>Starts the process's exporter unless it runs already (several hosts in one test process).</summary>
    public static void StartOnce()
    {
        lock (Gate)
        {
            if (started is not null) return;
            // Process metrics (process_cpu_seconds_total, process_resident_memory_bytes, ...) stay; the generic
            // adapters for .NET meters and event counters go: they export whatever the runtime and libraries
            // publish, with types and names promtool's lint rejects.
            Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
            {
                SuppressProcessMetrics = false, SuppressDebugMetrics = true, SuppressEventCounters = true, SuppressMeters = true,
            });
            started = new TuningMeterExporter();
        }
    }

    TuningMeterExporter()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name != TuningMetrics.MeterName) return;
            lock (sinks) sinks[instrument] = SinkFor(instrument);
            l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => Record(i, value, tags));
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => Record(i, value, tags));
        listener.Start();
        // The instruments are created when TuningMetrics is first used; touching it now publishes them all, so
        // each metric is in the first scrape.
        _ = TuningMetrics.DatabaseRetries;
    }

    static Action<double, string[]> SinkFor(Instrument instrument)
    {
        var labels = TuningMetrics.TagNamesOf(instrument).ToArray();
        var help = instrument.Description ?? instrument.Name;
        switch (instrument)
        {
            case Counter<long> or Counter<double>:
                var counter = Metrics.CreateCounter(instrument.Name, help, labels);
                if (labels.Length == 0) counter.Publish();
                return (value, values) => counter.WithLabels(values).Inc(value);
            case Histogram<double> or Histogram<long>:
                var histogram = Metrics.CreateHistogram(instrument.Name, help, new HistogramConfiguration
                {
                    LabelNames = labels, Buckets = BucketsFor(instrument.Name),
                });
                return (value, values) => histogram.WithLabels(values).Observe(value);
            case UpDownCounter<long> or UpDownCounter<double>:
                var sum = Metrics.CreateGauge(instrument.Name, help, labels);
                if (labels.Length == 0) sum.Publish();
                return (value, values) => sum.WithLabels(values).Inc(value);
            case Gauge<double> or Gauge<long>:
                var gauge = Metrics.CreateGauge(instrument.Name, help, labels);
                return (value, values) => gauge.WithLabels(values).Set(value);
            default:
                throw new NotSupportedException($"{instrument.Name}: {instrument.GetType().Name} is not exported; add it to {nameof(TuningMeterExporter)}.");
        }
    }

    /// <summary>
    /// Seconds from 5 ms up (doubling): a generation or a small step takes milliseconds, a large model's step or
    /// checkpoint minutes. A job attempt runs from seconds to days.
    /// </summary>
    static double[] BucketsFor(string name) => name == "tuning_job_run_duration_seconds"
        ? Histogram.ExponentialBuckets(1, 2, 20)
        : Histogram.ExponentialBuckets(0.005, 2, 20);

    void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Action<double, string[]>? sink;
        lock (sinks) sinks.TryGetValue(instrument, out sink);
        if (sink is null) return;
        var names = TuningMetrics.TagNamesOf(instrument);
        var values = new string[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            values[i] = "";
            foreach (var tag in tags)
                if (tag.Key == names[i]) values[i] = tag.Value?.ToString() ?? "";
        }
        try
        {
            sink(value, values);
        }
        catch (Exception e)
        {
            // A measurement is recorded on the caller's thread (a request, the trainer): a fault in exporting it must
            // not fail that work. It cannot happen with the labels declared above; Trace, as the runtime's own listeners do.
            System.Diagnostics.Trace.WriteLine($"{instrument.Name} not exported: {e.Message}");
        }
    }
}
