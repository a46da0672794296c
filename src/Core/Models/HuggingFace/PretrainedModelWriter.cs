using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Saves a model as HF save_pretrained does: config.json plus model.safetensors holding state_dict() in fp32
/// (a tied matrix once, under its owner's name) with `__metadata__` {"format": "pt"}. Modules that store other
/// tensors than a checkpoint holds (<see cref="ICheckpointTensorSource"/>, e.g. LoRA layers) contribute their
/// checkpoint tensors instead, so a model with adapters is saved merged, under the base model's names.
/// </summary>
public static class PretrainedModelWriter
{
    private static readonly JsonSerializerOptions ConfigFormat = new()
    {
        WriteIndented = true, // two-space indent, as json.dumps(indent=2) in HF's to_json_file
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// Writes the folder atomically: everything goes to a hidden sibling folder first, which is renamed to
    /// <paramref name="folder"/> only when complete, so readers never see a half-written model. An existing
    /// folder is replaced as a whole; files to keep (tokenizer, generation config) go in
    /// <paramref name="extraFiles"/>, which are copied in before the rename.
    /// </summary>
    /// <param name="weightsDtype">The dtype of the floating-point tensors written; null writes fp32. A model whose
    /// base was loaded in bf16 or quantized passes the base's dtype, so its merged checkpoint is the base's size.</param>
    public static void Save(nn.Module model, PretrainedConfig config, string folder, IEnumerable<string>? extraFiles = null,
        ScalarType? weightsDtype = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        AtomicFolder.Write(folder, staging =>
        {
            foreach (var file in extraFiles ?? [])
                File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            WriteWeights(model, Path.Combine(staging, CheckpointReader.WeightsFile), weightsDtype ?? ScalarType.Float32);
            WriteConfig(config, Path.Combine(staging, PretrainedModelLoader.ConfigFile));
        });
    }

    /// <summary>
    /// The tensors a checkpoint of <paramref name="model"/> holds, by HF name (see the class summary): each name with
    /// the function that makes it. A source module's tensors (merged weights) are computed on demand, so writing one
    /// at a time never holds the whole merged model beside the model itself.
    /// </summary>
    internal static Dictionary<string, Func<Tensor>> CheckpointTensors(nn.Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var stateDict = model.state_dict();
        var tensors = stateDict.ToDictionary(e => e.Key, e => (Func<Tensor>)(() => e.Value), StringComparer.Ordinal);
        var sources = new List<string>();
        foreach (var (path, module) in model.named_modules())
        {
            if (module is not ICheckpointTensorSource source)
                continue;
            var prefix = path + ".";
            // A source inside another (a QLoRA layer's quantized base_layer) is written by the outer one.
            if (sources.Any(outer => prefix.StartsWith(outer, StringComparison.Ordinal)))
                continue;
            sources.Add(prefix);
            foreach (var key in tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).ToList())
                tensors.Remove(key);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            foreach (var name in source.CheckpointTensors().Keys)
                tensors.Add(prefix + name, () => source.CheckpointTensors()[name]);
        }
        return tensors;
    }

    private static void WriteWeights(nn.Module model, string path, ScalarType dtype)
    {
        var tensors = CheckpointTensors(model);
        // The layout (names, shapes, dtypes) first: a source's tensors are computed once for it and dropped.
        var layout = new List<(string Name, ScalarType Dtype, long[] Shape)>();
        using (no_grad())
        {
            foreach (var (name, make) in tensors)
            {
                using var scope = NewDisposeScope(); // one tensor at a time here too
                var tensor = make();
                layout.Add((name, tensor.is_floating_point() ? dtype : tensor.dtype, tensor.shape));
            }
        }
        SafetensorsWriter.Write(path, layout, name =>
        {
            using var noGrad = no_grad();
            var tensor = tensors[name]();
            return tensor.is_floating_point() ? tensor.detach().to(dtype) : tensor.detach();
        }, new Dictionary<string, string> { ["format"] = "pt" });
    }

    private static void WriteConfig(PretrainedConfig config, string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var writer = new StreamWriter(file, leaveOpen: true))
            writer.Write(config.Json.ToJsonString(ConfigFormat) + "\n");
        file.Flush(flushToDisk: true);
    }
}
