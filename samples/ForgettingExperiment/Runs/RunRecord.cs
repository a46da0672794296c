using System.Text.Json.Nodes;

namespace TuningService.Samples.ForgettingExperiment.Runs;

/// <summary>What the service answered about one finished run: the job, its evaluation, step metrics and events.</summary>
/// <param name="WallSeconds">From creating the job to its evaluation being complete, on the client's clock.</param>
public sealed record RunRecord(TargetTask Task, RunDefinition Run, JsonObject Job, JsonObject? Evaluation, JsonObject Metrics, JsonObject Events, double WallSeconds);
