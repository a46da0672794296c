using TorchSharp;

namespace TuningService.Core.Models;

/// <summary>Registration helpers for modules that swap a child after construction.</summary>
internal static class ModuleChildren
{
    /// <summary>
    /// Registers <paramref name="replacement"/> under <paramref name="name"/> in place of the current child.
    /// TorchSharp's register_module refuses a name already taken but removes a child when given null, hence two calls.
    /// </summary>
    public static void Reregister(this torch.nn.Module parent, string name, torch.nn.Module replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        parent.register_module(name, null!); // null means "remove" to TorchSharp, though the parameter is not annotated nullable
        parent.register_module(name, replacement);
    }

    public static ArgumentException UnknownLinear(torch.nn.Module parent, string name) =>
        new($"{parent.GetType().Name} has no linear layer named '{name}'.", nameof(name));
}
