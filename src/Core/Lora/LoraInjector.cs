using TorchSharp;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Lora;

/// <summary>
/// Puts LoRA layers into a model, as PEFT's get_peft_model does: the targeted linear layers are wrapped in
/// <see cref="LoraLinear"/> and every other parameter is frozen (requires_grad false), so an optimizer over the
/// parameters that require grad (as <see cref="Training.SupervisedTrainer"/> builds) trains the adapters alone.
/// </summary>
public static class LoraInjector
{
    /// <summary>
    /// Wraps the layers <paramref name="config"/>'s target_modules select (the family default for
    /// <paramref name="modelType"/> when none are given) and returns their module paths in module order.
    /// </summary>
    /// <param name="modelType">config.json model_type ("t5", "llama", "gpt2", "qwen2", "phi3", ...), for the default targets.</param>
    /// <param name="generator">A CPU generator that draws the A matrices; null uses torch's global one, as PEFT does.</param>
    public static IReadOnlyList<string> Apply(nn.Module model, LoraConfig config, string modelType, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        RefuseSecondAdapter(model);
        var paths = LoraTargets.Select(model, config.TargetModules ?? LoraTargets.DefaultFor(modelType));
        Wrap(model, paths, config, generator);
        Freeze(model, trainAdapters: true);
        return paths;
    }

    /// <summary>Wraps the linear layers at <paramref name="paths"/>; nothing is touched unless every path can be wrapped.</summary>
    internal static void Wrap(nn.Module model, IReadOnlyList<string> paths, LoraConfig config, Generator? generator)
    {
        RefuseSecondAdapter(model);
        var modules = LoraTargets.DepthFirst(model).ToDictionary(entry => entry.Path, entry => entry.Module, StringComparer.Ordinal);
        var swaps = paths.Select(path =>
        {
            if (!modules.TryGetValue(path, out var module))
                throw new ArgumentException($"The model has no module '{path}'.", nameof(paths));
            if (!LoraTargets.IsLinear(module))
                throw new NotSupportedException($"'{path}' is a {module.GetType().Name}; LoRA wraps linear layers (nn.Linear, GPT-2 Conv1D) only.");
            var split = path.LastIndexOf('.');
            var parent = split < 0 ? model : modules[path[..split]];
            if (parent is not IReplaceableLinears host)
                throw new NotSupportedException($"LoRA cannot wrap '{path}': its parent {parent.GetType().Name} cannot swap its layers.");
            return (Host: host, Name: path[(split + 1)..], Layer: (nn.Module<Tensor, Tensor>)module);
        }).ToList();
        foreach (var (host, name, layer) in swaps)
            host.ReplaceLinear(name, LoraLinear.Wrap(layer, config, generator));
    }

    private static void RefuseSecondAdapter(nn.Module model)
    {
        if (LoraLayers.Find(model).Count > 0)
            throw new InvalidOperationException("The model already has LoRA layers; one adapter per model is supported.");
    }

    /// <summary>Freezes every parameter; the adapters' A and B stay trainable when <paramref name="trainAdapters"/>.</summary>
    internal static void Freeze(nn.Module model, bool trainAdapters)
    {
        foreach (var parameter in model.parameters())
            parameter.requires_grad = false;
        if (!trainAdapters)
            return;
        foreach (var (_, layer) in LoraLayers.Find(model))
        {
            layer.LoraA.requires_grad = true;
            layer.LoraB.requires_grad = true;
        }
    }
}
