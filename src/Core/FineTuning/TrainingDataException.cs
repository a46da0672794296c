namespace TuningService.Core.FineTuning;

/// <summary>The job's data cannot be trained on (for example no example fits the model); the message says why.</summary>
public sealed class TrainingDataException(string message) : Exception(message);
