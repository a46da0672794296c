namespace TuningService.Core.Evaluation;

/// <summary>One generation kept for the report. <paramref name="Index"/> is the example's place in its dataset, so
/// the base and fine-tuned models' outputs for the same example can be shown side by side.</summary>
public sealed record GeneratedSample(int Index, string Task, string Prompt, string Expected, string Output);
