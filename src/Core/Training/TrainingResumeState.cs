namespace TuningService.Core.Training;

/// <summary>
/// A training state saved by <see cref="CheckpointRequest.SaveTrainingState"/>, to pass to
/// <see cref="SupervisedTrainer.Train"/>. The model's weights are not in it: the caller restores them (from the
/// model saved at the same checkpoint) before training on.
/// </summary>
public sealed class TrainingResumeState
{
    private TrainingResumeState(string folder, TrainerState state)
    {
        Folder = folder;
        State = state;
    }

    /// <summary>The folder holding <c>trainer_state.json</c> and the optimizer state (<c>optimizer.pt</c> or <c>optimizer_8bit.safetensors</c>).</summary>
    public string Folder { get; }

    public TrainerState State { get; }

    /// <summary>True when <paramref name="folder"/> holds a complete saved state (the state file is written last).</summary>
    public static bool Exists(string folder) => File.Exists(Path.Combine(folder, TrainingStateFiles.StateFile));

    /// <summary>Reads the trainer state; the optimizer file is read when training resumes.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">The state file is of another format version.</exception>
    public static TrainingResumeState Load(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return new TrainingResumeState(folder, TrainingStateFiles.ReadState(folder));
    }
}
