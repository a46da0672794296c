using System.Reflection;
using TorchSharp;
using TorchSharp.Modules;
using TuningService.Core.Models.Gpt2;
using TuningService.Core.Quantization;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Builds a family's module on the meta device (shapes, no memory, no random init) and fills it from a checkpoint
/// one tensor at a time, in the dtype and storage <see cref="WeightLoadOptions"/> asks: a 1.1B model loaded in bf16
/// or NF4 never exists in fp32, and the checkpoint is never in memory whole.
/// </summary>
internal static class MetaModelMaterializer
{
    private const string OutputHead = "lm_head";

    // torch.set_default_device is process-wide in TorchSharp: builds take turns, and the device is put back at once.
    private static readonly Lock BuildLock = new();

    private static readonly MethodInfo RegisterParameter = typeof(nn.Module).GetMethod("ConditionallyRegisterParameter",
            BindingFlags.Instance | BindingFlags.NonPublic, [typeof(string), typeof(Tensor)])
        ?? throw new MissingMethodException("TorchSharp's Module.ConditionallyRegisterParameter is gone; the meta loader needs it.");

    public static nn.Module Build(IModelFamily family, PretrainedConfig config)
    {
        lock (BuildLock)
        {
            var previous = get_default_device();
            set_default_device(torch.device(DeviceType.META));
            try
            {
                return family.CreateModel(config);
            }
            finally
            {
                set_default_device(previous);
            }
        }
    }

    /// <summary>Gives every meta parameter of <paramref name="model"/> its checkpoint value on <paramref name="device"/>.</summary>
    public static void Fill(nn.Module model, CheckpointTensorSource checkpoint, WeightLoadOptions options, Device device, string source)
    {
        using var noGrad = no_grad();
        if (options.Quantization != WeightQuantization.None)
            QuantizeLinears(model, checkpoint, options, device, source);
        var filled = new Dictionary<IntPtr, Parameter>();
        foreach (var (path, module) in WithRoot(model))
        {
            foreach (var (name, parameter) in module.named_parameters(recurse: false).ToList())
            {
                if (parameter.device_type != DeviceType.META) continue;
                if (!filled.TryGetValue(parameter.Handle, out var real)) // a tied matrix is read once, for its first owner
                {
                    real = Read(checkpoint, Key(path, name), parameter, options.Dtype, device, source);
                    filled.Add(parameter.Handle, real);
                }
                Replace(module, name, parameter, real);
                parameter.Dispose();
            }
        }
    }

    /// <summary>Each linear layer but the head becomes a <see cref="QuantizedLinear"/>, quantized on the target device as read.</summary>
    private static void QuantizeLinears(nn.Module model, CheckpointTensorSource checkpoint, WeightLoadOptions options, Device device, string source)
    {
        var modules = WithRoot(model).ToDictionary(entry => entry.Path, entry => entry.Module, StringComparer.Ordinal);
        foreach (var (path, module) in modules)
        {
            if (module is not (Linear or Conv1D) || LastName(path) == OutputHead) continue;
            var split = path.LastIndexOf('.');
            if (split < 0 || modules[path[..split]] is not IReplaceableLinears host) continue; // stays dense
            (Parameter weight, Parameter? bias, bool fanInFanOut) = module is Linear linear
                ? (linear.weight!, linear.bias, false)
                : (((Conv1D)module).Weight, ((Conv1D)module).Bias, true);
            QuantizedWeight quantized;
            using (var scope = NewDisposeScope())
            {
                var key = Key(path, "weight");
                var stored = checkpoint.Read(key);
                StateDictCopier.CheckTensor(key, stored, weight.shape, floatingPoint: true, source);
                quantized = QuantizedWeight.Quantize(stored.to(device), options.Quantization);
            }
            var realBias = bias is null ? null : Read(checkpoint, Key(path, "bias"), bias, options.Dtype, device, source);
            realBias?.requires_grad_(false);
            host.ReplaceLinear(path[(split + 1)..], new QuantizedLinear(quantized, realBias, fanInFanOut, checkpoint.Reader(Key(path, "weight"))));
            module.Dispose();
        }
    }

    private static Parameter Read(CheckpointTensorSource checkpoint, string key, Parameter meta, ScalarType dtype, Device device, string source)
    {
        using var scope = NewDisposeScope();
        var stored = checkpoint.Read(key);
        StateDictCopier.CheckTensor(key, stored, meta.shape, meta.is_floating_point(), source);
        var value = stored.to(stored.is_floating_point() ? dtype : stored.dtype, device);
        var parameter = new Parameter(value.detach(), meta.requires_grad);
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    /// <summary>
    /// Puts <paramref name="real"/> where <paramref name="meta"/> was: through the module's public setter, or in the field that holds it (a family module's
    /// private field or TorchSharp's own, found by reference) and in the module's registry, as TorchSharp's own
    /// Module.to does when it replaces a parameter (it is the protected method that call uses).
    /// </summary>
    private static void Replace(nn.Module module, string name, Parameter meta, Parameter real)
    {
        // Modules backed by a native module (TorchSharp's Embedding) keep the weight there too: their setter updates both.
        if (module.GetType().GetProperty(name, BindingFlags.Instance | BindingFlags.Public) is { CanWrite: true } property
            && property.PropertyType.IsAssignableFrom(typeof(Parameter)))
        {
            property.SetValue(module, real);
            return;
        }
        for (var type = module.GetType(); type is not null; type = type.BaseType)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                if (typeof(Tensor).IsAssignableFrom(field.FieldType) && field.GetValue(module) is Tensor held && held.Handle == meta.Handle)
                    field.SetValue(module, real);
        RegisterParameter.Invoke(module, [name, real]);
    }

    private static IEnumerable<(string Path, nn.Module Module)> WithRoot(nn.Module model) =>
        new[] { ("", model) }.Concat(model.named_modules().Select(entry => (entry.name, entry.module)));

    private static string Key(string path, string name) => path.Length == 0 ? name : path + "." + name;

    private static string LastName(string path) => path[(path.LastIndexOf('.') + 1)..];
}
