namespace TuningService.Core.FineTuning;

/// <summary>
/// Resolves "auto" from the dataset size and the model size, and says why, so the job's events can explain it.
/// The rules follow OpenAI's documented behaviour in spirit: fewer examples get more epochs, so that a small
/// dataset is still seen a few hundred times in all; the batch grows with the dataset.
/// </summary>
public static class HyperparameterResolver
{
    /// <summary>Full fine-tuning base rate for small models (under 100M parameters) and for larger ones.</summary>
    public const double SmallModelBaseLearningRate = 5e-4, LargeModelBaseLearningRate = 2e-5;

    /// <summary>LoRA trains few, zero-initialised parameters and takes larger steps (PEFT examples use 1e-4..1e-3).</summary>
    public const double SmallModelLoraLearningRate = 1e-3, LargeModelLoraLearningRate = 2e-4;

    /// <summary>The share of the supervised base rate a DPO job starts from.</summary>
    public const double PreferenceLearningRateFactor = 0.1;

    const int TargetExamplesSeen = 1000, MinAutoEpochs = 1, MaxAutoEpochs = 10;

    public static (ResolvedHyperparameters Values, IReadOnlyList<string> Explanations) Resolve(
        RequestedHyperparameters requested, int trainingExamples, long modelParameters)
    {
        var why = new List<string>();
        var epochs = requested.NEpochs ?? Math.Clamp((int)Math.Ceiling(TargetExamplesSeen / (double)Math.Max(1, trainingExamples)), MinAutoEpochs, MaxAutoEpochs);
        if (requested.NEpochs is null)
            why.Add($"n_epochs=auto resolved to {epochs}: about {TargetExamplesSeen} examples seen for {trainingExamples} training examples (clamped to {MinAutoEpochs}..{MaxAutoEpochs}).");

        var batch = requested.BatchSize ?? Math.Clamp(trainingExamples / 25, 1, 16);
        batch = Math.Min(batch, Math.Max(1, trainingExamples));
        if (requested.BatchSize is null)
            why.Add($"batch_size=auto resolved to {batch}: 1/25 of {trainingExamples} examples, clamped to 1..16.");

        var multiplier = requested.LearningRateMultiplier ?? 1.0;
        var small = modelParameters < 100_000_000;
        var baseRate = (requested.IsLora
            ? (small ? SmallModelLoraLearningRate : LargeModelLoraLearningRate)
            : (small ? SmallModelBaseLearningRate : LargeModelBaseLearningRate))
            // DPO fine-tunes a model that already answers; the recipes (TRL, the DPO paper) step about 10-20x smaller than SFT.
            * (requested.IsPreference ? PreferenceLearningRateFactor : 1);
        if (requested.LearningRate is { } absolute)
        {
            why.Add($"learning_rate={absolute:G3} was given, so learning_rate_multiplier is not used.");
            return (new ResolvedHyperparameters(epochs, batch, absolute / baseRate, absolute), why);
        }
        if (requested.LearningRateMultiplier is null)
            why.Add($"learning_rate_multiplier=auto resolved to 1.0; the base rate for {(requested.IsPreference ? "DPO (a tenth of supervised) " : "")}{(requested.IsLora ? "LoRA on " : "")}a model of {modelParameters:N0} parameters is {baseRate:G3}, so the learning rate is {baseRate * multiplier:G3}.");
        return (new ResolvedHyperparameters(epochs, batch, multiplier, baseRate * multiplier), why);
    }
}
