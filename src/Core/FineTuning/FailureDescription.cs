using TuningService.Core.Files;
using TuningService.Core.Storage;

namespace TuningService.Core.FineTuning;

/// <summary>What a failed job tells its owner: a code and a message a person can act on, never a stack trace.</summary>
public static class FailureDescription
{
    public static (string Code, string Message) Of(Exception e) => e switch
    {
        TrainingDataException data => ("invalid_training_data", data.Message),
        InvalidDataException data => ("invalid_training_data", $"A training or validation file could not be read: {data.Message}"),
        FileNotFoundException or DirectoryNotFoundException => ("missing_artifact", $"A file the job needs is missing on this worker: {e.Message} (do all workers share Tuning:DataDir?)"),
        ArtifactStoreException => ("storage_unavailable", e.Message),
        ArtifactNotFoundException or ArtifactIntegrityException => ("missing_artifact", $"A file the job needs is missing or damaged in the artifact store: {e.Message}"),
        OutOfMemoryException => ("out_of_memory", "Training ran out of memory; try a smaller batch_size."),
        _ => ("training_failed", $"Training failed: {e.Message}"),
    };
}
