using System.Text.Json.Nodes;
using TorchSharp.PyBridge;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models;

/// <summary>Builds model folders for tests from a fixture's config and (edited) tensors.</summary>
internal static class ModelFolders
{
    public static JsonObject ReadConfig(string folder) =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "config.json")))!;

    /// <summary>The fixture's tensors as stored, read with the safetensors library rather than the code under test.</summary>
    public static Dictionary<string, Tensor> ReadTensors(string folder) =>
        Safetensors.LoadStateDict(Path.Combine(folder, "model.safetensors"));

    public static string Write(string folder, JsonObject config, IReadOnlyDictionary<string, Tensor> tensors)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), config.ToJsonString());
        SafetensorsWriter.Write(Path.Combine(folder, "model.safetensors"), tensors,
            new Dictionary<string, string> { ["format"] = "pt" });
        return folder;
    }

    /// <summary>llama-tiny's config and tensors with <paramref name="edit"/> applied, written under <paramref name="scratch"/>.</summary>
    public static string LlamaTinyVariant(TempFolder scratch, string name, Action<JsonObject, Dictionary<string, Tensor>> edit)
    {
        var config = ReadConfig(TestPaths.LlamaTiny);
        var tensors = ReadTensors(TestPaths.LlamaTiny);
        edit(config, tensors);
        return Write(scratch.Combine(name), config, tensors);
    }
}
