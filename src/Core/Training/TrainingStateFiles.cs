using System.Text.Json;
using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// The files of a saved training state: the optimizer's state (<see cref="FusedAdamW.FileName"/>, AdamW's state dict
/// in PyTorch's pickle format, or <see cref="AdamW8bit.FileName"/>) and <c>trainer_state.json</c> (<see cref="TrainerState"/>).
/// </summary>
internal static class TrainingStateFiles
{
    public const string OptimizerFile = FusedAdamW.FileName;
    public const string StateFile = "trainer_state.json";

    private static readonly string[] OptimizerFiles = [FusedAdamW.FileName, AdamW8bit.FileName];

    private static readonly JsonSerializerOptions Format = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A diverged run's loss sums may be NaN or infinite; they are still its state.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes both files, each through a temporary name; the state file goes last, so a folder with a
    /// state file has a complete optimizer file beside it even after a crash mid-save.</summary>
    public static void Save(string folder, TrainerState state, ITrainingOptimizer optimizer)
    {
        Directory.CreateDirectory(folder);
        string optimizerPath = Path.Combine(folder, optimizer.StateFileName);
        optimizer.SaveState(optimizerPath + ".tmp");
        File.Move(optimizerPath + ".tmp", optimizerPath, overwrite: true);
        string statePath = Path.Combine(folder, StateFile);
        File.WriteAllText(statePath + ".tmp", JsonSerializer.Serialize(state, Format));
        File.Move(statePath + ".tmp", statePath, overwrite: true);
    }

    public static TrainerState ReadState(string folder)
    {
        string path = Path.Combine(folder, StateFile);
        TrainerState state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), Format)
            ?? throw new InvalidDataException($"{path} is empty.");
        if (state.FormatVersion != TrainerState.CurrentFormatVersion)
        {
            throw new InvalidDataException($"{path} has format version {state.FormatVersion}; this build reads {TrainerState.CurrentFormatVersion}.");
        }
        if (!OptimizerFiles.Any(file => File.Exists(Path.Combine(folder, file))))
        {
            throw new FileNotFoundException($"{folder} has a trainer state but no optimizer state ({string.Join(" or ", OptimizerFiles)}).",
                Path.Combine(folder, OptimizerFile));
        }
        return state;
    }

    /// <summary>Loads the saved optimizer state into <paramref name="optimizer"/>, whose parameters must be those
    /// saved, in the same order; its tensors go to <paramref name="device"/>.</summary>
    public static void LoadOptimizer(string folder, ITrainingOptimizer optimizer, Device device)
    {
        string path = Path.Combine(folder, optimizer.StateFileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{folder} holds no {optimizer.StateFileName}: the state was saved by another optimizer.", path);
        }
        optimizer.LoadState(path, device);
    }
}
