using System.Text.Json.Nodes;

namespace TuningService.Samples.ForgettingExperiment.Dpo;

/// <summary>What the service answered about one finished DPO run: the job, its evaluation, step metrics and events.</summary>
/// <param name="WallSeconds">From creating the job to its evaluation being complete, on the client's clock.</param>
public sealed record DpoRunRecord(string Name, JsonObject Job, JsonObject? Evaluation, JsonObject Metrics, JsonObject Events, double WallSeconds);
