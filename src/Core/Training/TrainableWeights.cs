using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// The parameters the optimizer updates, by <see cref="TrainingPrecision"/>. Fp32: the model's own trainable
/// parameters. Bf16: TorchSharp has no autocast, so mixed precision is done by hand, as Apex's O2 level did: the
/// model is converted to bf16 for the forward and backward passes, and the optimizer updates fp32 master copies of
/// the trainable parameters; each batch's bf16 gradients are added into fp32 master gradients (so accumulation
/// does not round), clipping and AdamW run in fp32, and the updated masters are rounded back into the model.
/// Frozen parameters and floating-point buffers stay bf16 while training (rounded once; converting back to fp32
/// is exact, so they come out bf16-rounded). The model holds its fp32 masters during checkpoints and after
/// <see cref="Dispose"/>; frozen weights already in bf16 (a LoRA base loaded in bf16) or quantized are neither copied
/// to bf16 (Module.to skips a parameter already in the dtype) nor back to fp32.
/// With the optimizer step in the backward pass (<see cref="InBackwardUpdate"/>), gradients exist only between a
/// block's backward and its update: the masters then have no standing gradients, and a block's bf16 gradients become
/// its masters' gradients just before its update, which the updated masters are copied back after.
/// </summary>
internal sealed class TrainableWeights : IDisposable
{
    private readonly nn.Module _model;
    private readonly List<Parameter>? _masters;
    private List<Parameter> _modelParameters;
    private Dictionary<Parameter, int> _modelIndices;

    /// <param name="gradientsInBackward">Updates happen block by block in the backward pass, so bf16 masters get no
    /// standing gradients (they would hold the whole model's gradients in fp32, what that mode avoids).</param>
    public TrainableWeights(nn.Module model, TrainingPrecision precision, bool gradientsInBackward = false)
    {
        _model = model;
        _modelParameters = TrainableParameters();
        _modelIndices = ParameterIndices.Of(_modelParameters);
        if (precision == TrainingPrecision.Bf16)
        {
            _masters = _modelParameters.Select(p => NewMaster(p, withGradient: !gradientsInBackward)).ToList();
            // Replaces the parameter objects (frozen ones too); requires_grad is kept.
            _model.to(ScalarType.BFloat16);
            RefreshModelParameters();
        }
    }

    /// <summary>What the optimizer and the gradient clipping work on.</summary>
    public IReadOnlyList<Parameter> Optimized => _masters ?? _modelParameters;

    public void ZeroGrad(ITrainingOptimizer optimizer)
    {
        if (_masters is null)
        {
            optimizer.ZeroGrad();
            return;
        }
        _model.zero_grad();
        foreach (Parameter master in _masters)
        {
            using Tensor? grad = master.grad;
            grad?.zero_();
        }
    }

    /// <summary>Positions in <see cref="Optimized"/> of <paramref name="block"/>'s trainable parameters.</summary>
    public IReadOnlyList<int> IndicesOf(nn.Module block) =>
        block.parameters().Where(p => p.requires_grad).Select(p => _modelIndices.TryGetValue(p, out int i) ? i
            : throw new ArgumentException($"A parameter of block {block.GetName()} is not one of the model's.", nameof(block))).Order().ToList();

    /// <summary>Positions of the parameters that hold a gradient now.</summary>
    public IReadOnlyList<int> IndicesWithGradients()
    {
        using var scope = NewDisposeScope();
        return Enumerable.Range(0, _modelParameters.Count)
            .Where(i => _modelParameters[i].grad is not null || _masters?[i].grad is not null).ToList();
    }

    /// <summary>The bf16 gradients of <paramref name="indices"/>' parameters added into their masters' gradients, and cleared.</summary>
    public void CollectGradients(IReadOnlyList<int> indices)
    {
        if (_masters is null)
        {
            return;
        }
        using var scope = NewDisposeScope();
        foreach (int i in indices)
        {
            if (_modelParameters[i].grad is not Tensor grad)
            {
                continue;
            }
            if (_masters[i].grad is Tensor masterGrad)
            {
                masterGrad.add_(grad);
            }
            else
            {
                _masters[i].grad = grad.to_type(ScalarType.Float32);
            }
            _modelParameters[i].grad = null;
        }
    }

    /// <summary>Frees the gradients of <paramref name="indices"/>' parameters (model and master).</summary>
    public void ReleaseGradients(IReadOnlyList<int> indices)
    {
        foreach (int i in indices)
        {
            _modelParameters[i].grad = null;
            if (_masters is not null)
            {
                _masters[i].grad = null;
            }
        }
    }

    /// <summary>After a backward pass: bf16 gradients are added into the fp32 master gradients and cleared.</summary>
    public void CollectGradients()
    {
        if (_masters is null)
        {
            return;
        }
        using var scope = NewDisposeScope();
        for (int i = 0; i < _masters.Count; i++)
        {
            if (_modelParameters[i].grad is Tensor grad)
            {
                _masters[i].grad!.add_(grad);
            }
        }
        _model.zero_grad();
    }

    /// <summary>After an optimizer step: the masters, rounded to bf16, become the model's weights.</summary>
    public void CopyMastersToModel() => CopyMastersToModel(Enumerable.Range(0, _modelParameters.Count).ToList());

    /// <summary>After the update of <paramref name="indices"/>' parameters: their masters, rounded to bf16, become the model's weights.</summary>
    public void CopyMastersToModel(IReadOnlyList<int> indices)
    {
        if (_masters is null)
        {
            return;
        }
        using var noGrad = no_grad();
        foreach (int i in indices)
        {
            _modelParameters[i].copy_(_masters[i]);
        }
    }

    /// <summary>Runs <paramref name="action"/> with the fp32 masters in the model (for saving), then goes back to bf16.</summary>
    public void WithMastersInModel(Action action)
    {
        if (_masters is null)
        {
            action();
            return;
        }
        ToFp32WithMasters();
        try
        {
            action();
        }
        finally
        {
            _model.to(ScalarType.BFloat16);
            RefreshModelParameters();
        }
    }

    /// <summary>Leaves the model in fp32 with the master weights.</summary>
    public void Dispose()
    {
        if (_masters is null)
        {
            return;
        }
        ToFp32WithMasters();
        foreach (Parameter master in _masters)
        {
            master.grad?.Dispose();
            master.Dispose();
        }
        _masters.Clear();
    }

    private void ToFp32WithMasters()
    {
        // Only modules that own a trainable parameter go back to fp32: frozen weights loaded in bf16 or quantized (a
        // LoRA job's base) stay as they are, where converting the whole model would add an fp32 copy of the base.
        foreach (var module in _model.modules().Prepend(_model))
        {
            if (module.named_parameters(recurse: false).Any(p => p.Item2.requires_grad))
                module.to(ScalarType.Float32);
        }
        RefreshModelParameters();
        using var noGrad = no_grad();
        for (int i = 0; i < _masters!.Count; i++)
        {
            _modelParameters[i].copy_(_masters[i]);
        }
    }

    private List<Parameter> TrainableParameters() => _model.parameters().Where(p => p.requires_grad).ToList();

    /// <summary>Converting the model replaces its parameter objects.</summary>
    [System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_modelIndices))]
    private void RefreshModelParameters()
    {
        _modelParameters = TrainableParameters();
        _modelIndices = ParameterIndices.Of(_modelParameters);
    }

    /// <summary>
    /// The fp32 master of a trainable parameter. An fp32 parameter's own storage becomes the master, not a clone of
    /// it: the constructor replaces the model's parameter with a bf16 copy right after, so a clone held a second fp32
    /// copy of every trainable weight until the old parameters were collected (4.4 GB on a 1.1B model, fully
    /// fine-tuned; bench/MemoryBench).
    /// </summary>
    private static Parameter NewMaster(Parameter parameter, bool withGradient)
    {
        var values = parameter.dtype == ScalarType.Float32 ? parameter.detach() : parameter.detach().to_type(ScalarType.Float32);
        var master = new Parameter(values, requires_grad: true);
        if (withGradient)
        {
            master.grad = zeros_like(master);
        }
        return master;
    }
}
