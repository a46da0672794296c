using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Copies checkpoint tensors into a module's parameters after checking that the names match exactly
/// (save for keys the family declares harmless) and that every shape matches.
/// </summary>
internal static class StateDictCopier
{
    public static void CopyInto(nn.Module model, IReadOnlyDictionary<string, Tensor> checkpoint,
        Func<string, bool> isIgnorable, string source) =>
        CopyInto(model, checkpoint.Keys.ToList(), key => checkpoint[key].alias(), isIgnorable, source);

    /// <summary>
    /// As above, reading each tensor with <paramref name="read"/> just before it is copied and disposing it right
    /// after, so at most one checkpoint tensor is in memory beside the model.
    /// </summary>
    public static void CopyInto(nn.Module model, IReadOnlyCollection<string> checkpointKeys, Func<string, Tensor> read,
        Func<string, bool> isIgnorable, string source)
    {
        var targets = model.state_dict();
        CheckKeys(targets.Keys, checkpointKeys, isIgnorable, source);
        using var noGrad = no_grad();
        foreach (var (key, target) in targets)
        {
            using var stored = read(key);
            CheckTensor(key, stored, target.shape, target.is_floating_point(), source);
            target.copy_(stored); // converts F16/BF16/F64 to the parameter's dtype
        }
    }

    /// <summary>Throws unless the model's keys and the checkpoint's are the same, apart from ignorable checkpoint keys.</summary>
    public static void CheckKeys(IEnumerable<string> modelKeys, IReadOnlyCollection<string> checkpointKeys, Func<string, bool> isIgnorable, string source)
    {
        var model = modelKeys.ToHashSet(StringComparer.Ordinal);
        var stored = checkpointKeys.ToHashSet(StringComparer.Ordinal);
        var missing = model.Where(k => !stored.Contains(k)).Order(StringComparer.Ordinal).ToList();
        var unexpected = stored.Where(k => !model.Contains(k) && !isIgnorable(k)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException(KeyMismatchMessage(source, missing, unexpected));
    }

    /// <summary>Throws when a stored tensor cannot fill a model tensor of <paramref name="shape"/>.</summary>
    public static void CheckTensor(string key, Tensor stored, long[] shape, bool floatingPoint, string source)
    {
        if (!stored.shape.SequenceEqual(shape))
            throw new InvalidDataException(
                $"{source}: tensor '{key}' has shape [{string.Join(", ", stored.shape)}], the model needs [{string.Join(", ", shape)}].");
        if (stored.is_floating_point() != floatingPoint)
            throw new InvalidDataException($"{source}: tensor '{key}' is {stored.dtype}, the model needs a {(floatingPoint ? "floating-point" : "non-floating-point")} tensor.");
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
