using System.Text.Json.Nodes;

namespace TuningService.Samples.ForgettingExperiment.Runs;

/// <summary>Everything the experiment measured: the base model object, the rehearsal stories and the three runs.</summary>
public sealed record ExperimentRecord(JsonObject BaseModel, IReadOnlyList<string> Stories, IReadOnlyList<RunRecord> Runs);
