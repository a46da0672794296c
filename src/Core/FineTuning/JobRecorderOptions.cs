using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>How <see cref="JobProgressRecorder"/> saves and keeps checkpoints for one training attempt.</summary>
/// <param name="StartStep">The step this attempt starts from (a resume's checkpoint step, else 0), for the ETA.</param>
/// <param name="Keep">Newest checkpoints kept on disk besides the best one.</param>
/// <param name="KeepsStopCheckpoint">True when the current stop is a pause or a graceful shutdown, whose checkpoint is where the job continues.</param>
/// <param name="SaveAdapter">For LoRA: writes the PEFT adapter into a checkpoint folder.</param>
/// <param name="PerTaskMetrics">For multi-task jobs: per-task figures at each epoch end.</param>
/// <param name="BestCheckpointId">The best checkpoint so far when resuming.</param>
/// <param name="EvaluateCheckpoint">Evaluates a checkpoint just saved, while its weights are the model in memory.</param>
public sealed record JobRecorderOptions(
    int StartStep, int Keep, Func<bool> KeepsStopCheckpoint, Action<string>? SaveAdapter, Func<Dictionary<string, object?>>? PerTaskMetrics,
    string? BestCheckpointId, Action<JobCheckpoint>? EvaluateCheckpoint = null)
{
    /// <summary>
    /// The dtype of the merged model each checkpoint writes; null writes fp32. A LoRA job whose base is held in bf16
    /// or quantized writes the base checkpoint's dtype: its merged weights come from the unquantized base files.
    /// </summary>
    public TorchSharp.torch.ScalarType? MergedWeightsDtype { get; init; }
}
