using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// AdamW (decoupled weight decay, bias-corrected moments; PyTorch's defaults β₁ 0.9, β₂ 0.999, ε 1e-8) whose update
/// of a CPU fp32 parameter is one pass over its weight, gradient and two moments.
/// </summary>
/// <remarks>
/// Why not TorchSharp's <c>AdamW.step()</c> alone: it updates each parameter with nine tensor operations (decay,
/// two per moment, square root, division, epsilon, addcdiv) and two temporaries, about 23 passes over memory per
/// weight where one fused pass needs 7 (read weight, gradient and moments; write weight and moments). On a
/// memory-bound CPU that made the update 10–15% of a full fine-tuning step, and TorchSharp exposes neither
/// PyTorch's <c>foreach</c> nor its <c>fused</c> path. The moments stay in TorchSharp's <see cref="AdamW"/>, so
/// saving and loading the optimizer state (<see cref="TrainingStateFiles"/>) is unchanged; parameters off the CPU,
/// or not contiguous fp32, take TorchSharp's own update, the same arithmetic.
/// The update runs on the calling thread: it is a few percent of a step, and pool threads would run it at normal
/// priority beside the HTTP server (see <see cref="Common.ComputeThread"/>).
/// </remarks>
public sealed class FusedAdamW : ITrainingOptimizer
{
    public const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    /// <summary>AdamW's state dict in PyTorch's pickle format (TorchSharp.PyBridge; <c>torch.load</c> reads it).</summary>
    public const string FileName = "optimizer.pt";

    private readonly AdamW _optimizer;
    private readonly IReadOnlyList<Parameter> _parameters;
    private readonly Dictionary<Parameter, int> _indices;
    private readonly double _weightDecay;

    public FusedAdamW(IReadOnlyList<Parameter> parameters, double learningRate, double weightDecay)
    {
        _parameters = parameters;
        _indices = ParameterIndices.Of(parameters);
        _weightDecay = weightDecay;
        // Betas and ε explicit: torch.optim.AdamW's factory in TorchSharp defaults β₂ to 0.99, not PyTorch's 0.999.
        _optimizer = new AdamW(parameters, learningRate, Beta1, Beta2, Epsilon, weightDecay);
    }

    /// <summary>The TorchSharp optimizer holding the moments and the step count (for zero_grad, save and load).</summary>
    public OptimizerHelper State => _optimizer;

    public IReadOnlyList<Parameter> Parameters => _parameters;

    public string StateFileName => FileName;

    /// <summary>One update of every parameter that has a gradient, at <paramref name="learningRate"/>.</summary>
    public void Step(double learningRate) => Step(learningRate, Enumerable.Range(0, _parameters.Count));

    public void Step(double learningRate, IReadOnlyCollection<Parameter> parameters) =>
        Step(learningRate, ParameterIndices.Lookup(_indices, parameters));

    public void ZeroGrad() => _optimizer.zero_grad();

    public void SaveState(string path) => _optimizer.save_py(path);

    /// <summary>PyBridge reads tensors onto the CPU, so they are moved to the parameters' device.</summary>
    public void LoadState(string path, Device device)
    {
        _optimizer.load_py(path);
        foreach (OptimizerState state in _optimizer.state_dict().State)
        {
            state.to(device);
        }
    }

    private void Step(double learningRate, IEnumerable<int> indices)
    {
        foreach (ParamGroup group in _optimizer.ParamGroups)
        {
            group.LearningRate = learningRate;
        }
        IList<OptimizerState> states = _optimizer.state_dict().State;
        var unfused = new List<Parameter>();
        using var noGrad = no_grad();
        foreach (int i in indices)
        {
            Parameter parameter = _parameters[i];
            var state = (AdamW.State)states[i];
            if (parameter.grad is not { } grad)
            {
                continue;
            }
            if (!Fusable(parameter, grad, state))
            {
                unfused.Add(parameter);
                continue;
            }
            state.step++;
            Update(parameter.bytes, grad.bytes, state.exp_avg.bytes, state.exp_avg_sq.bytes,
                AdamWCoefficients.For(state.step, learningRate, _weightDecay));
        }
        if (unfused.Count > 0)
        {
            StepUnfused(unfused);
        }
    }

    public void Dispose() => _optimizer.Dispose();

    private static bool Fusable(Tensor parameter, Tensor grad, AdamW.State state) =>
        parameter.device_type == TorchSharp.DeviceType.CPU
        && new[] { parameter, grad, state.exp_avg, state.exp_avg_sq }.All(t => t.dtype == ScalarType.Float32 && t.is_contiguous())
        && parameter.numel() * sizeof(float) <= int.MaxValue;

    /// <summary>TorchSharp's update for the parameters the fused pass does not take: the others' gradients are
    /// hidden for the call, so that it steps only these.</summary>
    private void StepUnfused(List<Parameter> unfused)
    {
        var hidden = _parameters.Where(p => p.grad is not null && !unfused.Contains(p)).Select(p => (p, p.grad!)).ToList();
        foreach ((Parameter p, _) in hidden)
        {
            p.grad = null;
        }
        try
        {
            _optimizer.step();
        }
        finally
        {
            foreach ((Parameter p, Tensor grad) in hidden)
            {
                p.grad = grad;
            }
        }
    }

    /// <summary>The update of one parameter: p ← p·(1 − lr·λ) − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε), with
    /// m ← β₁m + (1 − β₁)g and v ← β₂v + (1 − β₂)g², the order PyTorch's AdamW applies them in.</summary>
    internal static void Update(Span<byte> weightBytes, Span<byte> gradBytes, Span<byte> meanBytes, Span<byte> varianceBytes, AdamWCoefficients c)
    {
        Span<float> weight = MemoryMarshal.Cast<byte, float>(weightBytes);
        ReadOnlySpan<float> grad = MemoryMarshal.Cast<byte, float>(gradBytes);
        Span<float> mean = MemoryMarshal.Cast<byte, float>(meanBytes);
        Span<float> variance = MemoryMarshal.Cast<byte, float>(varianceBytes);

        int vectorized = weight.Length - weight.Length % Vector<float>.Count;
        Span<Vector<float>> w = MemoryMarshal.Cast<float, Vector<float>>(weight[..vectorized]);
        ReadOnlySpan<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(grad[..vectorized]);
        Span<Vector<float>> m = MemoryMarshal.Cast<float, Vector<float>>(mean[..vectorized]);
        Span<Vector<float>> v = MemoryMarshal.Cast<float, Vector<float>>(variance[..vectorized]);
        for (int i = 0; i < w.Length; i++)
        {
            Vector<float> gi = g[i];
            Vector<float> mi = m[i] * c.Beta1 + gi * c.OneMinusBeta1;
            Vector<float> vi = v[i] * c.Beta2 + gi * gi * c.OneMinusBeta2;
            m[i] = mi;
            v[i] = vi;
            w[i] = w[i] * c.Decay - c.StepSize * mi / (Vector.SquareRoot(vi) / c.SqrtBiasCorrection2 + new Vector<float>(c.Epsilon));
        }
        for (int i = vectorized; i < weight.Length; i++)
        {
            float gi = grad[i];
            float mi = mean[i] * c.Beta1 + gi * c.OneMinusBeta1;
            float vi = variance[i] * c.Beta2 + gi * gi * c.OneMinusBeta2;
            mean[i] = mi;
            variance[i] = vi;
            weight[i] = weight[i] * c.Decay - c.StepSize * mi / (MathF.Sqrt(vi) / c.SqrtBiasCorrection2 + c.Epsilon);
        }
    }
}
