using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Imports;

/// <summary>Finds the model in an extracted archive: config.json at its top, or inside its one top-level folder.</summary>
public static class ModelFolderLocator
{
    public static string Find(string extracted)
    {
        if (File.Exists(Path.Combine(extracted, PretrainedModelLoader.ConfigFile))) return extracted;
        // macOS's zip adds a __MACOSX folder of resource forks beside the real content.
        var folders = Directory.GetDirectories(extracted).Where(d => Path.GetFileName(d) != "__MACOSX").ToList();
        var files = Directory.GetFiles(extracted).Where(f => !Path.GetFileName(f).StartsWith('.')).ToList();
        if (folders.Count == 1 && files.Count == 0 && File.Exists(Path.Combine(folders[0], PretrainedModelLoader.ConfigFile)))
            return folders[0];
        throw new ModelImportException(
            $"The archive has no {PretrainedModelLoader.ConfigFile} at its top level or in a single top-level folder; archive a Hugging Face model folder.");
    }
}
