namespace TuningService.Core.Training;

/// <summary>
/// The end of an epoch. Train values are means of the epoch's step values (as Hugging Face logs them); validation
/// values are over all labelled validation tokens, and null when the run has no validation examples.
/// </summary>
/// <param name="PaddingShare">Padded positions over all positions of the epoch's training batches (inputs, and
/// targets for seq2seq): the share of the epoch's compute spent on padding.</param>
public sealed record EpochSummary(
    int Epoch,
    int Step,
    double TrainLoss,
    double TrainMeanTokenAccuracy,
    double? ValidationLoss,
    double? ValidationMeanTokenAccuracy,
    double PaddingShare);
