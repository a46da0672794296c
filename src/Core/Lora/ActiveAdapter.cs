namespace TuningService.Core.Lora;

/// <summary>
/// Which of the adapters beside one base model the next forward uses, shared by every <see cref="MultiAdapterLinear"/>
/// of that model so that one assignment switches them all. Set only by the holder of the model's generation lock
/// (generation on a model is serialised), so a forward never sees it change half-way.
/// </summary>
public sealed class ActiveAdapter
{
    /// <summary>The adapter's name, or null for the base model alone.</summary>
    public string? Name { get; set; }
}
