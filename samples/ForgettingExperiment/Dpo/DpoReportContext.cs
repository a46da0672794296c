namespace TuningService.Samples.ForgettingExperiment.Dpo;

/// <summary>What the DPO page is written from: the command, where and when it ran, the task's size and each run's figures.</summary>
public sealed record DpoReportContext(
    string Command, DateTime Started, string Machine, string Commit, double TotalSeconds, DpoExperimentOptions Options,
    long? BaseParameters, int TrainPairs, int HeldOutPairs, string ExamplePair, IReadOnlyList<DpoMeasurement> Runs);
