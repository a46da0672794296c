using System.Diagnostics.Metrics;

namespace TuningService.Core.Observability;

/// <summary>
/// The service's own measurements, as .NET <see cref="Meter"/> instruments: Core records them without knowing how
/// they are exported (the API and the worker publish them at /metrics, see src/Worker/Monitoring). Instrument names
/// are already Prometheus names (<c>_seconds</c>, <c>_bytes</c>, <c>_total</c>), and every tag has a small, fixed set
/// of values: never a job, owner, file or model id, which would make a new time series per job.
/// Static, like the runtime's own meters: an instrument is cheap, and the one listener per process sees them all.
/// </summary>
public static class TuningMetrics
{
    public const string MeterName = "TuningService";

    static readonly Meter Meter = new(MeterName);

    /// <summary>How one attempt at a job ended, for <see cref="JobRunSeconds"/>: succeeded, failed, cancelled, paused, requeued (a shutdown or a storage outage handed it back), lost (its lease or the database was lost).</summary>
    public const string OutcomeTag = "outcome";

    /// <summary>Which endpoint generated, for the generation instruments: completion or chat.</summary>
    public const string KindTag = "kind";

    public static readonly Histogram<double> JobRunSeconds = Meter.CreateHistogram<double>("tuning_job_run_duration_seconds",
        description: "Wall time a worker spent on one attempt at a job, from claiming it to ending the attempt, by outcome.");

    public static readonly Gauge<double> TrainingTokensPerSecond = Meter.CreateGauge<double>("tuning_training_tokens_per_second",
        description: "Training throughput last reported by a job on this worker (tokens per second over the last group of steps); 0 once an attempt ends.");

    public static readonly Histogram<double> TrainingStepSeconds = Meter.CreateHistogram<double>("tuning_training_step_seconds",
        description: "Wall time per optimizer step, averaged over each group of steps the trainer reports together.");

    public static readonly Histogram<double> CheckpointWriteSeconds = Meter.CreateHistogram<double>("tuning_checkpoint_write_seconds",
        description: "Time to write one checkpoint (model, adapter, training state) and push it to the artifact store.");

    /// <summary>Webhook delivery attempts, by <see cref="OutcomeTag"/>: delivered, http_error, redirect, timeout, network_error, refused_target.</summary>
    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("tuning_webhook_deliveries_total",
        description: "Webhook delivery attempts, by outcome (delivered, http_error, redirect, timeout, network_error, refused_target).");

    public static readonly Counter<long> DatabaseRetries = Meter.CreateCounter<long>("tuning_database_retries_total",
        description: "Database operations retried after a transient error (an outage, a dropped connection).");

    public static readonly Counter<long> StorageRetries = Meter.CreateCounter<long>("tuning_storage_retries_total",
        description: "Artifact-store operations retried after a transient error.");

    public static readonly Histogram<double> GenerationSeconds = Meter.CreateHistogram<double>("tuning_generation_duration_seconds",
        description: "Time to generate the completions of one request, once its model is loaded, by kind (completion, chat).");

    public static readonly Counter<long> GenerationPromptTokens = Meter.CreateCounter<long>("tuning_generation_prompt_tokens_total",
        description: "Prompt tokens of generation requests, by kind.");

    public static readonly Counter<long> GenerationCompletionTokens = Meter.CreateCounter<long>("tuning_generation_completion_tokens_total",
        description: "Generated tokens, by kind.");

    public static readonly UpDownCounter<long> ModelCacheBytes = Meter.CreateUpDownCounter<long>("tuning_model_cache_bytes",
        description: "Parameter bytes of the models loaded for inference.");

    public static readonly Counter<long> ModelCacheHits = Meter.CreateCounter<long>("tuning_model_cache_hits_total",
        description: "Inference requests whose model was already loaded.");

    public static readonly Counter<long> ModelCacheMisses = Meter.CreateCounter<long>("tuning_model_cache_misses_total",
        description: "Inference requests that loaded their model.");

    public static readonly Counter<long> ModelCacheEvictions = Meter.CreateCounter<long>("tuning_model_cache_evictions_total",
        description: "Models evicted from the inference cache to stay within Tuning:ModelCacheBytes.");

    /// <summary>
    /// The tags an instrument is recorded with, so an exporter can declare its labels before the first measurement.
    /// By name: a listener learns of each instrument while this class's fields are still being assigned.
    /// </summary>
    public static IReadOnlyList<string> TagNamesOf(Instrument instrument) => instrument.Name switch
    {
        "tuning_job_run_duration_seconds" or "tuning_webhook_deliveries_total" => [OutcomeTag],
        "tuning_generation_duration_seconds" or "tuning_generation_prompt_tokens_total" or "tuning_generation_completion_tokens_total" => [KindTag],
        _ => [],
    };

    public static KeyValuePair<string, object?> Outcome(string outcome) => new(OutcomeTag, outcome);

    public static KeyValuePair<string, object?> Kind(string kind) => new(KindTag, kind);
}
