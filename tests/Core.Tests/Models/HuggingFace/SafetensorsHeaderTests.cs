using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.HuggingFace;

/// <summary>Sizes from safetensors headers, checked against what the loader actually builds.</summary>
public sealed class SafetensorsHeaderTests : IDisposable
{
    private readonly TempFolder scratch = new();

    [Theory]
    [InlineData(ScalarType.Float32, "F32", 4)]
    [InlineData(ScalarType.BFloat16, "BF16", 2)]
    [InlineData(ScalarType.Float16, "F16", 2)]
    public void A_folder_reports_the_loaders_parameter_count_at_its_stored_width(ScalarType stored, string name, int width)
    {
        var folder = ModelFolders.LlamaTinyVariant(scratch, name, (_, tensors) =>
        {
            foreach (var key in tensors.Keys.ToList()) tensors[key] = tensors[key].to(stored);
        });
        using var loaded = PretrainedModelLoader.Load(folder, CPU);

        var summary = WeightsSummary.OfFolder(folder);

        Assert.Equal(loaded.ParameterCount, summary.Parameters);
        Assert.Equal(loaded.ParameterCount * width, summary.Bytes);
    }

    [Fact]
    public void Shards_named_by_the_index_are_summed_and_load_as_one_checkpoint()
    {
        var folder = scratch.Combine("sharded");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(TestPaths.LlamaTiny, "config.json"), Path.Combine(folder, "config.json"));
        var tensors = ModelFolders.ReadTensors(TestPaths.LlamaTiny);
        var keys = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        var weightMap = new JsonObject();
        for (var shard = 0; shard < 2; shard++)
        {
            var name = $"model-0000{shard + 1}-of-00002.safetensors";
            var part = keys.Where((_, i) => i % 2 == shard).ToDictionary(k => k, k => tensors[k]);
            SafetensorsWriter.Write(Path.Combine(folder, name), part);
            foreach (var key in part.Keys) weightMap[key] = name;
        }
        File.WriteAllText(Path.Combine(folder, "model.safetensors.index.json"), new JsonObject { ["weight_map"] = weightMap }.ToJsonString());
        using var whole = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);

        using var loaded = PretrainedModelLoader.Load(folder, CPU);
        var summary = WeightsSummary.OfFolder(folder);

        Assert.Equal(whole.ParameterCount, loaded.ParameterCount);
        Assert.Equal(whole.ParameterCount, summary.Parameters);
        Assert.Equal(whole.ParameterBytes, summary.Bytes);
    }

    [Fact]
    public void A_file_that_is_not_safetensors_is_refused()
    {
        var path = scratch.Combine("model.safetensors");
        File.WriteAllBytes(path, [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1, 2, 3]);
        Assert.Throws<InvalidDataException>(() => SafetensorsHeader.Read(path));
    }

    public void Dispose() => scratch.Dispose();
}
