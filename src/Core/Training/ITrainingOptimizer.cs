using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>What the trainer needs of an optimizer (<see cref="FusedAdamW"/>, <see cref="AdamW8bit"/>): updates at a
/// learning rate the schedule sets each step, of all parameters or of one block's (<see cref="TrainingOptions.OptimizerInBackward"/>),
/// and its state saved and loaded for exact resumption.</summary>
public interface ITrainingOptimizer : IDisposable
{
    /// <summary>The parameters it updates, in the order its saved state lists them.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>The file name of its saved state inside a training-state folder.</summary>
    string StateFileName { get; }

    /// <summary>One update of every parameter that has a gradient, at <paramref name="learningRate"/>.</summary>
    void Step(double learningRate);

    /// <summary>One update of those of <paramref name="parameters"/> (a subset of <see cref="Parameters"/>) that have a
    /// gradient; the others are left alone.</summary>
    void Step(double learningRate, IReadOnlyCollection<Parameter> parameters);

    /// <summary>Zeroes the gradients of <see cref="Parameters"/>.</summary>
    void ZeroGrad();

    void SaveState(string path);

    /// <summary>Loads a state saved by an optimizer of the same kind over the same parameters; its tensors go to <paramref name="device"/>.</summary>
    void LoadState(string path, Device device);
}
