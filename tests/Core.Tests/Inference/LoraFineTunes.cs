using TuningService.Core.Catalog;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Lora;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Inference;

/// <summary>
/// LoRA fine-tunes of the shipped model laid out as a LoRA job leaves them: the merged Hugging Face folder with the
/// base's tokenizer files, and the PEFT adapter in its <see cref="CatalogModel.AdapterFolderName"/> sub-folder.
/// </summary>
internal static class LoraFineTunes
{
    public const string BaseId = "babyllama-tinystories";

    public static CatalogModel Base(string? folder = null, string id = BaseId) =>
        new(id, folder ?? TestPaths.BabyLlama, 0, "system", BaseModel: null, JobId: null) { Origin = ModelOrigin.BuiltIn };

    /// <summary>Writes fine-tune <paramref name="id"/> of <paramref name="start"/> under <paramref name="scratch"/> and returns it as the catalog would.</summary>
    public static CatalogModel Write(TempFolder scratch, string id, int seed, CatalogModel start)
    {
        var folder = scratch.Combine(id.Replace(':', '-'));
        using (var loaded = PretrainedModelLoader.Load(start.Directory, CPU))
        {
            var lora = LoraModel.Apply(loaded, new LoraConfig { R = 4, Alpha = 8, TargetModules = [LoraConfig.AllLinear] }, seed);
            LoraFixtures.RandomizeB(loaded.Model, seed);
            lora.SaveMerged(folder, TokenizerFiles(start.Directory));
            lora.SaveAdapter(Path.Combine(folder, CatalogModel.AdapterFolderName), start.RootBaseModel);
        }
        return new CatalogModel(id, folder, 0, "user-1", start.RootBaseModel, $"job-{id}") { StartingModel = start };
    }

    /// <summary>A copy of the shipped model under another id: a second base.</summary>
    public static CatalogModel CopyOfBase(TempFolder scratch, string id)
    {
        var folder = scratch.Combine(id);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.EnumerateFiles(TestPaths.BabyLlama))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return Base(folder, id);
    }

    static IEnumerable<string> TokenizerFiles(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => Path.GetFileName(f) is "tokenizer.model" or "tokenizer.json" or "tokenizer_config.json"
            or "special_tokens_map.json" or "generation_config.json" or "chat_template.jinja");
}
