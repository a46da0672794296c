using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace TuningService.Core.Models.HuggingFace;

/// <summary>
/// Saves a model as HF save_pretrained does: config.json plus model.safetensors holding state_dict() in fp32
/// (a tied matrix once, under its owner's name) with `__metadata__` {"format": "pt"}.
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
    public static void Save(nn.Module model, PretrainedConfig config, string folder, IEnumerable<string>? extraFiles = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        var target = Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar);
        var parent = Path.GetDirectoryName(target) ?? throw new ArgumentException($"'{folder}' has no parent folder.", nameof(folder));
        var name = Path.GetFileName(target);
        var staging = Path.Combine(parent, $".{name}.saving-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            foreach (var file in extraFiles ?? [])
                File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            WriteWeights(model, Path.Combine(staging, CheckpointReader.WeightsFile));
            WriteConfig(config, Path.Combine(staging, PretrainedModelLoader.ConfigFile));
            MoveIntoPlace(staging, target);
        }
        catch
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
            throw;
        }
    }

    private static void WriteWeights(nn.Module model, string path)
    {
        using var scope = NewDisposeScope();
        var fp32 = model.state_dict().ToDictionary(
            entry => entry.Key,
            entry => entry.Value.is_floating_point() ? entry.Value.detach().to(ScalarType.Float32) : entry.Value.detach(),
            StringComparer.Ordinal);
        SafetensorsWriter.Write(path, fp32, new Dictionary<string, string> { ["format"] = "pt" });
    }

    private static void WriteConfig(PretrainedConfig config, string path)
    {
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        using (var writer = new StreamWriter(file, leaveOpen: true))
            writer.Write(config.Json.ToJsonString(ConfigFormat) + "\n");
        file.Flush(flushToDisk: true);
    }

    private static void MoveIntoPlace(string staging, string target)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(staging, target);
            return;
        }
        var replaced = $"{staging}.replaced";
        Directory.Move(target, replaced);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            Directory.Move(replaced, target);
            throw;
        }
        Directory.Delete(replaced, recursive: true);
    }
}
