using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// The files of a saved training state: <c>optimizer.pt</c>, AdamW's state dict in PyTorch's pickle format
/// (TorchSharp.PyBridge; <c>torch.load</c> reads it), and <c>trainer_state.json</c> (<see cref="TrainerState"/>).
/// </summary>
internal static class TrainingStateFiles
{
    public const string OptimizerFile = "optimizer.pt";
    public const string StateFile = "trainer_state.json";

    private static readonly JsonSerializerOptions Format = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        // A diverged run's loss sums may be NaN or infinite; they are still its state.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes both files, each through a temporary name; the state file goes last, so a folder with a
    /// state file has a complete optimizer file beside it even after a crash mid-save.</summary>
    public static void Save(string folder, TrainerState state, OptimizerHelper optimizer)
    {
        Directory.CreateDirectory(folder);
        string optimizerPath = Path.Combine(folder, OptimizerFile);
        optimizer.save_py(optimizerPath + ".tmp");
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
        if (!File.Exists(Path.Combine(folder, OptimizerFile)))
        {
            throw new FileNotFoundException($"{folder} has a trainer state but no {OptimizerFile}.", Path.Combine(folder, OptimizerFile));
        }
        return state;
    }

    /// <summary>Loads the moments into <paramref name="optimizer"/>, whose parameters must be those saved, in the
    /// same order; PyBridge reads tensors onto the CPU, so they are moved to the parameters' device.</summary>
    public static void LoadOptimizer(string folder, OptimizerHelper optimizer, Device device)
    {
        optimizer.load_py(Path.Combine(folder, OptimizerFile));
        foreach (OptimizerState state in optimizer.state_dict().State)
        {
            state.to(device);
        }
    }
}
