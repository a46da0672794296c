using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// AdamW with its two moments stored in 8 bits, as bitsandbytes' <c>AdamW8bit</c> (blockwise quantization; Dettmers
/// et al. 2022, arXiv 2110.02861): each moment is one code per element on bitsandbytes' dynamic map (signed for the
/// first moment, unsigned for the second) and one float32 absmax per block of 256 elements. A step dequantizes a range
/// of blocks, applies <see cref="FusedAdamW"/>'s update (same betas, ε, bias correction and decoupled weight decay,
/// PyTorch's order: decay first) with the moments before requantization, as bitsandbytes' kernel does, then
/// requantizes them with the blocks' new absmax. State: about 2.03 bytes per element instead of AdamW's 8.
/// </summary>
/// <remarks>
/// As bitsandbytes (<c>min_8bit_size=4096</c>), parameters with fewer than <see cref="MinQuantizedSize"/> elements
/// (norms, biases) keep float32 moments: they are a sliver of the memory, and quantizing them would cost precision
/// for nothing. Two differences from bitsandbytes, on purpose: weight decay is applied before the Adam update as in
/// PyTorch's AdamW and <see cref="FusedAdamW"/> (bitsandbytes multiplies after it; the two differ by lr²·λ), and
/// non-finite gradients are not skipped (PyTorch does not skip them either).
/// Written here, not called: bitsandbytes is a CUDA library TorchSharp cannot call. Off the CPU the update is
/// libtorch tensor operations, <see cref="ChunkBlocks"/> blocks of a parameter at a time, so the float32 temporaries
/// stay a few MB whatever the parameter's size; contiguous float32 parameters on the CPU take one pass in C#
/// instead (<see cref="AdamW8bitCpuUpdate"/>, same arithmetic, the same moments bit for bit; bench/OptimizerBench), as
/// <see cref="FusedAdamW"/> does for AdamW.
/// </remarks>
public sealed class AdamW8bit : ITrainingOptimizer
{
    /// <summary>bitsandbytes' <c>min_8bit_size</c>.</summary>
    public const int MinQuantizedSize = 4096;

    /// <summary>The codes, absmaxes and step counts, as safetensors.</summary>
    public const string FileName = "optimizer_8bit.safetensors";

    private const long ChunkBlocks = 4096;

    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Dictionary<Parameter, int> _indices;
    private readonly double _weightDecay;
    private readonly bool _cpuLoop;
    private readonly List<AdamW8bitParameterState> _states = [];
    private readonly Dictionary<string, (DynamicQuantizationMap Signed, DynamicQuantizationMap Unsigned)> _maps = [];

    public AdamW8bit(IReadOnlyList<Parameter> parameters, double weightDecay) : this(parameters, weightDecay, cpuLoop: true)
    {
    }

    /// <param name="cpuLoop">False updates CPU parameters with the tensor operations too (to hold the two paths equal).</param>
    internal AdamW8bit(IReadOnlyList<Parameter> parameters, double weightDecay, bool cpuLoop)
    {
        _cpuLoop = cpuLoop;
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentOutOfRangeException.ThrowIfNegative(weightDecay);
        if (parameters.FirstOrDefault(p => p.dtype != ScalarType.Float32) is { } other)
        {
            throw new ArgumentException($"AdamW8bit updates float32 parameters (bf16 training gives it fp32 masters); one is {other.dtype}.", nameof(parameters));
        }
        _parameters = parameters;
        _indices = ParameterIndices.Of(parameters);
        _weightDecay = weightDecay;
        foreach (Parameter parameter in parameters)
        {
            long count = parameter.numel();
            _states.Add(count < MinQuantizedSize
                ? AdamW8bitParameterState.Full(count, parameter.device)
                : AdamW8bitParameterState.Quantized(count, MapsFor(parameter.device).Signed, MapsFor(parameter.device).Unsigned, parameter.device));
        }
    }

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public string StateFileName => FileName;

    /// <summary>Bytes of memory the optimizer state holds (codes, absmaxes, float32 moments of small parameters).</summary>
    public long StateBytes => _states.Sum(s => s.Bytes);

    internal AdamW8bitParameterState StateOf(int index) => _states[index];

    public void Step(double learningRate) => Step(learningRate, Enumerable.Range(0, _parameters.Count));

    public void Step(double learningRate, IReadOnlyCollection<Parameter> parameters) =>
        Step(learningRate, ParameterIndices.Lookup(_indices, parameters));

    public void ZeroGrad()
    {
        foreach (Parameter parameter in _parameters)
        {
            using Tensor? grad = parameter.grad;
            grad?.zero_();
        }
    }

    private void Step(double learningRate, IEnumerable<int> indices)
    {
        using var noGrad = no_grad();
        foreach (int i in indices)
        {
            using var scope = NewDisposeScope();
            Parameter parameter = _parameters[i];
            if (parameter.grad is not { } grad)
            {
                continue;
            }
            AdamW8bitParameterState state = _states[i];
            state.Step++;
            AdamWCoefficients c = AdamWCoefficients.For(state.Step, learningRate, _weightDecay);
            if (_cpuLoop && OnHostContiguous(parameter, grad))
            {
                UpdateOnHost(parameter, grad, state, c);
                continue;
            }
            // A non-contiguous parameter (none of the models' are) is updated through a contiguous copy.
            Tensor weight = parameter.detach();
            Tensor flatWeight = weight.is_contiguous() ? weight.view(-1) : weight.contiguous().view(-1);
            Tensor flatGrad = grad.detach().to_type(ScalarType.Float32).contiguous().view(-1);
            if (state.IsQuantized)
            {
                UpdateQuantized(flatWeight, flatGrad, state, c);
            }
            else
            {
                Update(flatWeight, flatGrad, state.Mean!, state.Variance!, c);
            }
            if (!weight.is_contiguous())
            {
                weight.copy_(flatWeight.view(weight.shape));
            }
        }
    }

    private static bool OnHostContiguous(Tensor parameter, Tensor grad) =>
        parameter.device_type == TorchSharp.DeviceType.CPU && grad.device_type == TorchSharp.DeviceType.CPU
        && grad.dtype == ScalarType.Float32 && parameter.is_contiguous() && grad.is_contiguous()
        && parameter.numel() * sizeof(float) <= int.MaxValue;

    /// <summary>The CPU loops: <see cref="AdamW8bitCpuUpdate"/> for quantized state, <see cref="FusedAdamW"/>'s own for float32 state.</summary>
    private void UpdateOnHost(Parameter parameter, Tensor grad, AdamW8bitParameterState state, AdamWCoefficients c)
    {
        if (state.IsQuantized)
        {
            (DynamicQuantizationMap signedMap, DynamicQuantizationMap unsignedMap) = MapsFor(parameter.device);
            AdamW8bitCpuUpdate.Update(parameter.bytes, grad.bytes, state.QuantizedMean!, state.QuantizedVariance!, signedMap, unsignedMap, c);
        }
        else
        {
            FusedAdamW.Update(parameter.bytes, grad.bytes, state.Mean!.bytes, state.Variance!.bytes, c);
        }
    }

    /// <summary>FusedAdamW's update as tensor operations, in place on flat float32 views, with its roundings (no
    /// fused multiply-add): m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², w ← w·(1 − lr·λ) − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).</summary>
    private static void Update(Tensor weight, Tensor grad, Tensor mean, Tensor variance, AdamWCoefficients c)
    {
        using var scope = NewDisposeScope();
        mean.mul_(c.Beta1).add_(grad.mul(c.OneMinusBeta1));
        variance.mul_(c.Beta2).add_(grad.square().mul_(c.OneMinusBeta2));
        weight.mul_(c.Decay).sub_(mean.mul(c.StepSize).div_(variance.sqrt().div_(c.SqrtBiasCorrection2).add_(c.Epsilon)));
    }

    /// <summary>The update over a quantized state, <see cref="ChunkBlocks"/> blocks at a time: dequantize, update the
    /// moments and the weight, requantize.</summary>
    private static void UpdateQuantized(Tensor weight, Tensor grad, AdamW8bitParameterState state, AdamWCoefficients c)
    {
        const int blockSize = BlockwiseQuantizedTensor.BlockSize;
        BlockwiseQuantizedTensor quantizedMean = state.QuantizedMean!, quantizedVariance = state.QuantizedVariance!;
        for (long first = 0; first < quantizedMean.Blocks; first += ChunkBlocks)
        {
            using var scope = NewDisposeScope();
            long blocks = Math.Min(ChunkBlocks, quantizedMean.Blocks - first);
            long start = first * blockSize, length = Math.Min(blocks * blockSize, state.Count - start);
            Tensor mean = quantizedMean.Dequantize(first, blocks).view(-1);
            Tensor variance = quantizedVariance.Dequantize(first, blocks).view(-1);
            // Past the parameter's end the last block holds zeros (the code of 0), left as they are.
            Update(weight.narrow(0, start, length), grad.narrow(0, start, length), mean.narrow(0, 0, length), variance.narrow(0, 0, length), c);
            quantizedMean.Quantize(first, mean.view(blocks, blockSize));
            quantizedVariance.Quantize(first, variance.view(blocks, blockSize));
        }
    }

    public void SaveState(string path)
    {
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        for (int i = 0; i < _states.Count; i++)
        {
            tensors[$"{i}.step"] = tensor(new[] { _states[i].Step });
            foreach ((string name, Tensor value) in _states[i].Tensors())
            {
                tensors[$"{i}.{name}"] = value.cpu();
            }
        }
        Safetensors.SaveStateDict(path, tensors);
    }

    /// <summary>Loads a state saved over the same parameters; a file of another shape (other parameters, another
    /// optimizer) is refused before anything changes.</summary>
    public void LoadState(string path, Device device)
    {
        using var scope = NewDisposeScope();
        Dictionary<string, Tensor> saved = Safetensors.LoadStateDict(path);
        var expected = _states.SelectMany((s, i) => s.Tensors().Select(t => ($"{i}.{t.Name}", t.Tensor)).Append(($"{i}.step", tensor(new[] { 0L }))));
        foreach ((string name, Tensor target) in expected)
        {
            if (!saved.TryGetValue(name, out Tensor? value) || !value.shape.SequenceEqual(target.shape) || value.dtype != target.dtype)
            {
                throw new InvalidDataException($"{path} is not an AdamW8bit state of these parameters: '{name}' is missing or has another shape or type.");
            }
        }
        for (int i = 0; i < _states.Count; i++)
        {
            _states[i].Step = saved[$"{i}.step"].item<long>();
            foreach ((string name, Tensor value) in _states[i].Tensors())
            {
                value.copy_(saved[$"{i}.{name}"].to(device));
            }
        }
    }

    private (DynamicQuantizationMap Signed, DynamicQuantizationMap Unsigned) MapsFor(Device device)
    {
        string key = device.ToString();
        if (!_maps.TryGetValue(key, out var maps))
        {
            maps = (DynamicQuantizationMap.Create(signed: true, device), DynamicQuantizationMap.Create(signed: false, device));
            _maps[key] = maps;
        }
        return maps;
    }

    public void Dispose()
    {
        foreach (AdamW8bitParameterState state in _states)
        {
            state.Dispose();
        }
        _states.Clear();
        foreach ((DynamicQuantizationMap signed, DynamicQuantizationMap unsigned) in _maps.Values)
        {
            signed.Dispose();
            unsigned.Dispose();
        }
        _maps.Clear();
    }
}
