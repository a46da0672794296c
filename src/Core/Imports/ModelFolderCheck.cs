using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Core.Imports;

/// <summary>
/// Proves a folder is a model this service can train: its config parses and every weight loads into the model on
/// the CPU, exactly as a job would load it. Refused folders get the loader's own message.
/// </summary>
public static class ModelFolderCheck
{
    public static void Verify(string folder)
    {
        try
        {
            PretrainedModelLoader.LoadConfig(folder);
            using var loaded = PretrainedModelLoader.Load(folder, torch.CPU);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException)
        {
            // Paths in the loader's messages point into a staging folder the requester never sees.
            throw new ModelImportException($"The model does not load: {e.Message.Replace(folder, "<model>", StringComparison.Ordinal)}", e);
        }
    }
}
