namespace TuningService.Samples.ForgettingExperiment.Data;

/// <summary>An SST-2 sentence (lower-cased and tokenised as GLUE ships it) with its label.</summary>
public sealed record LabelledSentence(string Sentence, bool Positive);
