namespace TuningService.Core.Evaluation;

/// <summary>
/// A model on preference pairs: the share of pairs whose preferred answer it gives the higher summed log-prob
/// (ties count as wrong), and the mean of that log-prob difference. A DPO job's reward margin on these pairs is
/// β × (the fine-tuned model's mean margin − the base model's): the job's reference is its base.
/// </summary>
public sealed record PreferenceEvaluation(int Pairs, double Accuracy, double MeanLogProbMargin);
