using TorchSharp;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>
/// One base model with any number of PEFT LoRA adapters beside it, each under a name, one of them (or none) in use
/// at a time: PEFT's load_adapter / set_adapter / delete_adapter. A layer is wrapped in a <see cref="MultiAdapterLinear"/>
/// the first time an adapter targets it and stays wrapped; with no adapter active the model computes what the base
/// alone computes, so the same module also serves the base model itself.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="Add"/> may change the module tree (it wraps layers), so it must run while nothing runs a
/// forward on the model (its caller holds the model's generation lock). <see cref="Activate"/> likewise belongs to
/// the holder of that lock. <see cref="Remove"/> touches only adapter tables and may run beside a forward that uses
/// another adapter.
/// </remarks>
public sealed class MultiAdapterModel(nn.Module model) : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, IReadOnlyList<MultiAdapterLinear>> layersByAdapter = new(StringComparer.Ordinal);
    private readonly ActiveAdapter active = new();

    /// <summary>The adapters held, by name.</summary>
    public IReadOnlyCollection<string> Names
    {
        get { lock (gate) return [.. layersByAdapter.Keys]; }
    }

    /// <summary>The adapter in use, or null for the base alone.</summary>
    public string? ActiveName => active.Name;

    /// <summary>
    /// Reads the PEFT adapter in <paramref name="adapterFolder"/> and keeps it beside the base under
    /// <paramref name="name"/>, its matrices converted to each layer's dtype and device. Nothing changes unless the
    /// whole adapter fits the model. Returns the bytes the adapter occupies.
    /// </summary>
    public long Add(string name, string adapterFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        lock (gate)
        {
            if (layersByAdapter.ContainsKey(name))
                throw new InvalidOperationException($"An adapter named '{name}' is already loaded.");
            using var scope = NewDisposeScope();
            var adapter = PeftAdapterWeights.Read(adapterFolder);
            var paths = adapter.CheckFits(model);
            var layers = WrapLayers(paths);
            var bytes = 0L;
            var added = new List<MultiAdapterLinear>();
            try
            {
                foreach (var path in paths)
                {
                    var layer = layers[path];
                    var (a, b) = adapter.ByModule[path];
                    var weight = layer.Weight;
                    var onDevice = new LayerAdapter(Owned(a, weight), Owned(b, weight), adapter.Config.Scaling);
                    layer.Add(name, onDevice);
                    added.Add(layer);
                    bytes += onDevice.A.numel() * onDevice.A.ElementSize + onDevice.B.numel() * onDevice.B.ElementSize;
                }
            }
            catch
            {
                foreach (var layer in added)
                    layer.Remove(name);
                throw;
            }
            layersByAdapter[name] = added;
            return bytes;
        }
    }

    /// <summary>Drops adapter <paramref name="name"/> and frees its matrices; false when none of that name is held.</summary>
    public bool Remove(string name)
    {
        lock (gate)
        {
            if (!layersByAdapter.Remove(name, out var layers))
                return false;
            if (active.Name == name)
                active.Name = null;
            foreach (var layer in layers)
                layer.Remove(name);
            return true;
        }
    }

    /// <summary>Makes every forward from now on use adapter <paramref name="name"/>, or the base alone for null.</summary>
    public void Activate(string? name)
    {
        lock (gate)
        {
            if (name is not null && !layersByAdapter.ContainsKey(name))
                throw new InvalidOperationException($"No adapter named '{name}' is loaded.");
            active.Name = name;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var name in layersByAdapter.Keys.ToList())
                Remove(name);
        }
    }

    /// <summary>The layer at each path, wrapped in a <see cref="MultiAdapterLinear"/> unless an earlier adapter did so.</summary>
    private Dictionary<string, MultiAdapterLinear> WrapLayers(IReadOnlyList<string> paths)
    {
        var modules = LoraTargets.DepthFirst(model).ToDictionary(entry => entry.Path, entry => entry.Module, StringComparer.Ordinal);
        var swaps = new List<(IReplaceableLinears Host, string Name, nn.Module<Tensor, Tensor> Layer, string Path)>();
        var layers = new Dictionary<string, MultiAdapterLinear>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var module = modules[path];
            if (module is MultiAdapterLinear wrapped)
            {
                layers[path] = wrapped;
                continue;
            }
            if (!LoraTargets.IsLinear(module))
                throw new NotSupportedException($"'{path}' is a {module.GetType().Name}; LoRA adapters apply to linear layers (nn.Linear, GPT-2 Conv1D) only.");
            var split = path.LastIndexOf('.');
            var parent = split < 0 ? model : modules[path[..split]];
            if (parent is not IReplaceableLinears host)
                throw new NotSupportedException($"An adapter cannot be put on '{path}': its parent {parent.GetType().Name} cannot swap its layers.");
            swaps.Add((host, path[(split + 1)..], (nn.Module<Tensor, Tensor>)module, path));
        }
        // Every layer checked before any is swapped, so a refused adapter leaves the model as it was.
        foreach (var (host, name, layer, path) in swaps)
        {
            var wrapper = MultiAdapterLinear.Wrap(layer, active);
            host.ReplaceLinear(name, wrapper);
            layers[path] = wrapper;
        }
        return layers;
    }

    /// <summary>
    /// <paramref name="read"/> on the layer's dtype and device, made independent of the dispose scope the file was
    /// read in (the layer keeps it after the scope ends).
    /// </summary>
    private static Tensor Owned(Tensor read, Tensor weight)
    {
        var converted = read.to(weight.dtype, weight.device).contiguous();
        return converted.DetachFromDisposeScope();
    }
}
