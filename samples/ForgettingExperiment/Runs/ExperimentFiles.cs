namespace TuningService.Samples.ForgettingExperiment.Runs;

/// <summary>The ids of the uploaded files one target task's runs use, and the shared pseudo-rehearsal stories.</summary>
public sealed record ExperimentFiles(string Train, string Validation, string Test, string Stories);
