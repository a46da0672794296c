using TuningService.Samples.ForgettingExperiment.Runs;

namespace TuningService.Samples.ForgettingExperiment.Report;

/// <summary>What the report is written from: the command, where and when it ran, the stories and each run's figures.</summary>
public sealed record ReportContext(
    string Command, DateTime Started, string Machine, string Commit, double TotalSeconds, ExperimentOptions Options,
    long? BaseParameters, string? RetentionSet, IReadOnlyList<TargetTask> Tasks, IReadOnlyList<string> Stories, IReadOnlyList<RunMeasurement> Runs);
