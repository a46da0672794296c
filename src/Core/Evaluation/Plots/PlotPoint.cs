namespace TuningService.Core.Evaluation.Plots;

/// <summary>One point of a curve: a training step and the value measured there.</summary>
public readonly record struct PlotPoint(double Step, double Value);
