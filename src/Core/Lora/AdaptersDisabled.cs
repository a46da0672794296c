namespace TuningService.Core.Lora;

/// <summary>
/// A scope in which every LoRA layer of a model computes its base layer alone (PEFT's <c>disable_adapter()</c>
/// context), so the same module serves as the frozen base model, e.g. as the reference of preference training,
/// at no extra memory. Disposing turns the adapters back on.
/// </summary>
public sealed class AdaptersDisabled : IDisposable
{
    private readonly IReadOnlyList<LoraLinear> _layers;

    private AdaptersDisabled(IReadOnlyList<LoraLinear> layers) => _layers = layers;

    /// <summary>Turns off the adapters of <paramref name="model"/> until the scope is disposed.</summary>
    /// <exception cref="InvalidOperationException">An adapter is merged: its update is inside the base weight and cannot be turned off.</exception>
    public static AdaptersDisabled In(TorchSharp.torch.nn.Module model)
    {
        var layers = LoraLayers.Find(model).Select(entry => entry.Layer).ToList();
        if (layers.Any(layer => layer.Merged))
            throw new InvalidOperationException("A merged LoRA adapter cannot be disabled: its update is part of the base weight.");
        foreach (var layer in layers)
            layer.Enabled = false;
        return new AdaptersDisabled(layers);
    }

    public void Dispose()
    {
        foreach (var layer in _layers)
            layer.Enabled = true;
    }
}
