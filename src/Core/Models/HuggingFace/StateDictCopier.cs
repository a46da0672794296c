using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Copies checkpoint tensors into a module's parameters after checking that the names match exactly
/// (save for keys the family declares harmless) and that every shape matches.
/// </summary>
internal static class StateDictCopier
{
    public static void CopyInto(nn.Module model, IReadOnlyDictionary<string, Tensor> checkpoint,
        Func<string, bool> isIgnorable, string source)
    {
        var targets = model.state_dict();
        var missing = targets.Keys.Where(k => !checkpoint.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = checkpoint.Keys.Where(k => !targets.ContainsKey(k) && !isIgnorable(k))
            .Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException(KeyMismatchMessage(source, missing, unexpected));

        using var noGrad = no_grad();
        foreach (var (key, target) in targets)
        {
            var stored = checkpoint[key];
            if (!stored.shape.SequenceEqual(target.shape))
                throw new InvalidDataException(
                    $"{source}: tensor '{key}' has shape [{string.Join(", ", stored.shape)}], the model needs [{string.Join(", ", target.shape)}].");
            if (stored.is_floating_point() != target.is_floating_point())
                throw new InvalidDataException($"{source}: tensor '{key}' is {stored.dtype}, the model needs {target.dtype}.");
            target.copy_(stored); // converts F16/BF16/F64 to the parameter's dtype (fp32)
        }
    }

    private static string KeyMismatchMessage(string source, List<string> missing, List<string> unexpected)
    {
        var parts = new List<string>();
        if (missing.Count > 0)
            parts.Add($"missing {missing.Count} tensor(s): {string.Join(", ", missing)}");
        if (unexpected.Count > 0)
            parts.Add($"unexpected {unexpected.Count} tensor(s): {string.Join(", ", unexpected)}");
        return $"{source} does not match the model: {string.Join("; ", parts)}.";
    }
}
