using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// One optimizer step taken during the backward pass (<see cref="TrainingOptions.OptimizerInBackward"/>, torchtune's
/// <c>optimizer_in_bwd</c>): each block's weights are updated as soon as the backward pass has finished their
/// gradients (the checkpointed blocks' <see cref="Models.Checkpointing.BlockGradientsReady"/>), and those gradients are freed at once, so the gradients of the whole
/// model never exist together; after the backward pass, the weights outside every block (embeddings, final norm, LM
/// head) are updated the same way. The update of each weight is the one the plain step would take: without gradient
/// accumulation and global-norm clipping, a weight's update depends on its own gradient only.
/// </summary>
internal sealed class InBackwardUpdate : IDisposable
{
    private readonly TrainableWeights _weights;
    private readonly ITrainingOptimizer _optimizer;
    private readonly double _learningRate;
    private readonly Tensor _squaredNorm;

    public InBackwardUpdate(TrainableWeights weights, ITrainingOptimizer optimizer, double learningRate, Device device)
    {
        _weights = weights;
        _optimizer = optimizer;
        _learningRate = learningRate;
        _squaredNorm = zeros(Array.Empty<long>(), ScalarType.Float32, device);
    }

    /// <summary>The hook: the backward pass is done with <paramref name="block"/>'s gradients.</summary>
    public void OnBlockBackward(nn.Module block) => Update(_weights.IndicesOf(block));

    /// <summary>After the backward pass: the weights whose gradients no block hook took.</summary>
    public void UpdateTheRest() => Update(_weights.IndicesWithGradients());

    /// <summary>The L2 norm of all the gradients the step used (fp32 scalar on the device), as clipping would report it.</summary>
    public Tensor GradNorm() => _squaredNorm.sqrt();

    private void Update(IReadOnlyList<int> indices)
    {
        using var scope = NewDisposeScope();
        _weights.CollectGradients(indices);
        List<Parameter> parameters = indices.Select(i => _weights.Optimized[i]).ToList();
        List<Tensor> grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0)
        {
            return;
        }
        _squaredNorm.add_(stack(grads.Select(g => g.detach().to_type(ScalarType.Float32).square().sum())).sum());
        _optimizer.Step(_learningRate, parameters);
        _weights.ReleaseGradients(indices);
        _weights.CopyMastersToModel(indices);
    }

    public void Dispose() => _squaredNorm.Dispose();
}
