using TorchSharp;

namespace TuningService.Core.Lora;

/// <summary>The LoRA layers inside a model.</summary>
public static class LoraLayers
{
    /// <summary>Every <see cref="LoraLinear"/> in <paramref name="model"/> with its module path, in module order.</summary>
    public static IReadOnlyList<(string Path, LoraLinear Layer)> Find(torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return LoraTargets.DepthFirst(model)
            .Where(entry => entry.Module is LoraLinear)
            .Select(entry => (entry.Path, (LoraLinear)entry.Module))
            .ToList();
    }

    /// <summary>Folds every adapter into its base weight (<see cref="LoraLinear.Merge"/>); forward then costs what the base model's does.</summary>
    public static void MergeAll(torch.nn.Module model)
    {
        foreach (var (_, layer) in Find(model))
            layer.Merge();
    }

    /// <summary>Elements of the parameters that require grad, i.e. what an optimizer over them trains.</summary>
    public static long TrainableParameterCount(torch.nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.parameters().Where(p => p.requires_grad).Sum(p => p.numel());
    }
}
