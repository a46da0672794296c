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
/// </summary>
internal sealed class TrainableWeights : IDisposable
{
    private readonly nn.Module _model;
    private readonly List<Parameter>? _masters;
    private List<Parameter> _modelParameters;

    public TrainableWeights(nn.Module model, TrainingPrecision precision)
    {
        _model = model;
        _modelParameters = TrainableParameters();
        if (precision == TrainingPrecision.Bf16)
        {
            _masters = _modelParameters.Select(NewMaster).ToList();
            // Replaces the parameter objects (frozen ones too); requires_grad is kept.
            _model.to(ScalarType.BFloat16);
            _modelParameters = TrainableParameters();
        }
    }

    /// <summary>What the optimizer and the gradient clipping work on.</summary>
    public IReadOnlyList<Parameter> Optimized => _masters ?? _modelParameters;

    public void ZeroGrad(OptimizerHelper optimizer)
    {
        if (_masters is null)
        {
            optimizer.zero_grad();
            return;
        }
        _model.zero_grad();
        foreach (Parameter master in _masters)
        {
            master.grad!.zero_();
        }
    }

    /// <summary>After a backward pass: bf16 gradients are added into the fp32 master gradients and cleared.</summary>
    public void CollectGradients()
    {
        if (_masters is null)
        {
            return;
        }
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
    public void CopyMastersToModel()
    {
        if (_masters is null)
        {
            return;
        }
        using var noGrad = no_grad();
        for (int i = 0; i < _masters.Count; i++)
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
            _modelParameters = TrainableParameters();
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
        _modelParameters = TrainableParameters();
        using var noGrad = no_grad();
        for (int i = 0; i < _masters!.Count; i++)
        {
            _modelParameters[i].copy_(_masters[i]);
        }
    }

    private List<Parameter> TrainableParameters() => _model.parameters().Where(p => p.requires_grad).ToList();

    private static Parameter NewMaster(Parameter parameter)
    {
        var master = new Parameter(parameter.detach().to_type(ScalarType.Float32).clone(), requires_grad: true);
        master.grad = zeros_like(master);
        return master;
    }
}
