using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// A folder's weights by the module's names (<see cref="IModelFamily.CanonicalCheckpointKey"/>), read one tensor at
/// a time from safetensors files. A pytorch_model.bin cannot be read in parts (it is a pickle), so it is read whole.
/// </summary>
internal sealed class CheckpointTensorSource : IDisposable
{
    private readonly Dictionary<string, (SafetensorsFile? File, string StoredName)> locations;
    private readonly Dictionary<string, Tensor>? pickled;
    private readonly string? picklePath;

    private CheckpointTensorSource(Dictionary<string, (SafetensorsFile?, string)> locations, Dictionary<string, Tensor>? pickled, string? picklePath)
    {
        this.locations = locations;
        this.pickled = pickled;
        this.picklePath = picklePath;
    }

    public IReadOnlyCollection<string> Keys => locations.Keys;

    /// <summary>The dtype all floating-point tensors are stored in, when they share one and are in safetensors; else null.</summary>
    public ScalarType? FloatingDtype
    {
        get
        {
            var dtypes = locations.Values.Where(l => l.File is not null).Select(l => l.File!.DtypeOf(l.StoredName))
                .Where(d => d is ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Float32 or ScalarType.Float64).Distinct().ToList();
            return pickled is null && dtypes.Count == 1 ? dtypes[0] : null;
        }
    }

    public static CheckpointTensorSource Open(string folder, IModelFamily family)
    {
        var locations = new Dictionary<string, (SafetensorsFile?, string)>(StringComparer.Ordinal);
        void Add(string stored, SafetensorsFile? file, string where)
        {
            var canonical = family.CanonicalCheckpointKey(stored);
            if (locations.ContainsKey(canonical))
                throw new InvalidDataException(file is not null && locations[canonical].Item1 is { } other && other != file
                    ? $"Tensor '{stored}' appears in more than one shard of '{folder}'."
                    : $"The weights in '{where}' hold tensor '{canonical}' twice, under two spellings of its name.");
            locations.Add(canonical, (file, stored));
        }
        var files = CheckpointReader.WeightFiles(folder);
        if (files is [var only] && Path.GetFileName(only) == CheckpointReader.PickleWeightsFile)
        {
            var pickled = CheckpointReader.ReadPickle(only);
            foreach (var key in pickled.Keys)
                Add(key, null, folder);
            return new CheckpointTensorSource(locations, pickled, only);
        }
        foreach (var path in files)
        {
            var file = SafetensorsFile.Open(path);
            foreach (var name in file.Names)
                Add(name, file, folder);
        }
        return new CheckpointTensorSource(locations, null, null);
    }

    /// <summary>A new CPU tensor (stored dtype) for <paramref name="key"/>; the caller owns it.</summary>
    public Tensor Read(string key)
    {
        var (file, stored) = locations[key];
        return file is not null ? file.Read(stored) : pickled![stored].alias();
    }

    /// <summary>Reads <paramref name="key"/> again later, from the files alone (for a checkpoint written after training).</summary>
    public Func<Tensor> Reader(string key)
    {
        var (file, stored) = locations[key];
        if (file is not null)
        {
            var path = file.Path;
            return () => SafetensorsFile.Open(path).Read(stored);
        }
        var pickle = picklePath!;
        return () =>
        {
            var all = CheckpointReader.ReadPickle(pickle); // a pickle is read whole: keep the one tensor asked for
            foreach (var (name, tensor) in all)
                if (name != stored) tensor.Dispose();
            return all[stored];
        };
    }

    public void Dispose()
    {
        if (pickled is null) return;
        foreach (var tensor in pickled.Values)
            tensor.Dispose();
    }
}
