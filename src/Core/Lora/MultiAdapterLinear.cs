using System.Collections.Immutable;
using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models.Gpt2;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>
/// A frozen linear layer with any number of named LoRA adapters beside it, of which the shared
/// <see cref="ActiveAdapter"/> picks one per forward (PEFT's multi-adapter LoraLayer with set_adapter):
/// <code>y = base(x) + s_k · B_k (A_k x)   for the active adapter k, or base(x) when none is active or this layer has none of k</code>
/// so one copy of a base model serves many LoRA fine-tunes. The base tensors stay registered under their own names
/// (weight, bias), so the model's state dict is the base model's. The adapters are deliberately not registered: they
/// come and go while the model serves (loaded on demand, evicted), and a registered submodule per adapter would put
/// them into the state dict and make adding one a change to the module tree that a concurrent forward could see.
/// Adding and removing swap an immutable dictionary, so a forward on another adapter is never disturbed.
/// Inference only: there is no dropout and the adapters hold no gradients.
/// </summary>
public sealed class MultiAdapterLinear : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly ActiveAdapter active;
    private ImmutableDictionary<string, LayerAdapter> adapters = ImmutableDictionary.Create<string, LayerAdapter>(StringComparer.Ordinal);

    private MultiAdapterLinear(Parameter weight, Parameter? bias, bool fanInFanOut, ActiveAdapter active)
        : base(nameof(MultiAdapterLinear))
    {
        this.weight = weight;
        this.bias = bias;
        this.active = active;
        FanInFanOut = fanInFanOut;
        (InFeatures, OutFeatures) = fanInFanOut ? (weight.shape[0], weight.shape[1]) : (weight.shape[1], weight.shape[0]);
        RegisterComponents();
        // As LoraLinear: built around tensors already on a GPU, the module must record that device.
        if (weight.device_type != DeviceType.CPU)
            this.to(weight.device);
    }

    /// <summary>
    /// Wraps an nn.Linear or Conv1D, taking over its weight and bias (the same tensors), so the wrapped layer must not
    /// be used or disposed afterwards.
    /// </summary>
    public static MultiAdapterLinear Wrap(nn.Module<Tensor, Tensor> baseLayer, ActiveAdapter active)
    {
        ArgumentNullException.ThrowIfNull(active);
        var wrapper = baseLayer switch
        {
            Linear linear => new MultiAdapterLinear(linear.weight, linear.bias, fanInFanOut: false, active),
            Conv1D conv => new MultiAdapterLinear(conv.Weight, conv.Bias, fanInFanOut: true, active),
            _ => throw new NotSupportedException($"LoRA wraps nn.Linear and Conv1D layers, not {baseLayer?.GetType().Name ?? "null"}."),
        };
        wrapper.train(baseLayer.training);
        return wrapper;
    }

    public long InFeatures { get; }
    public long OutFeatures { get; }

    /// <summary>True when the base weight is stored [in, out] (GPT-2 Conv1D).</summary>
    public bool FanInFanOut { get; }

    /// <summary>The base weight in its stored layout, [out, in] or [in, out] when <see cref="FanInFanOut"/>.</summary>
    internal Parameter Weight => weight;

    /// <summary>The names of the adapters this layer holds.</summary>
    public IEnumerable<string> AdapterNames => adapters.Keys;

    public override Tensor forward(Tensor x)
    {
        var result = BaseLinear.Forward(x, weight, bias, FanInFanOut);
        if (active.Name is not { } name || !adapters.TryGetValue(name, out var adapter))
            return result;
        // The same operations, in the same order, as LoraLinear's forward in eval mode.
        return result + nn.functional.linear(nn.functional.linear(x, adapter.A), adapter.B) * adapter.Scaling;
    }

    /// <summary>Adds adapter <paramref name="name"/>; this layer owns the tensors from now on.</summary>
    internal void Add(string name, LayerAdapter adapter)
    {
        if (adapter.A.shape[0] != adapter.B.shape[1] || adapter.A.shape[1] != InFeatures || adapter.B.shape[0] != OutFeatures)
            throw new ArgumentException($"Adapter '{name}' has A [{string.Join(", ", adapter.A.shape)}] and B [{string.Join(", ", adapter.B.shape)}]; " +
                $"this layer is {InFeatures} → {OutFeatures}.", nameof(adapter));
        if (!ImmutableInterlocked.TryAdd(ref adapters, name, adapter))
            throw new InvalidOperationException($"This layer already holds an adapter named '{name}'.");
    }

    /// <summary>Removes and disposes adapter <paramref name="name"/>; false when this layer has none of that name.</summary>
    internal bool Remove(string name)
    {
        if (!ImmutableInterlocked.TryRemove(ref adapters, name, out var adapter))
            return false;
        adapter.Dispose();
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var name in adapters.Keys.ToList())
                Remove(name);
        }
        base.Dispose(disposing);
    }
}
