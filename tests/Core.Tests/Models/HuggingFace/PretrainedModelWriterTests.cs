using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.HuggingFace;

public sealed class PretrainedModelWriterTests : IDisposable
{
    private readonly TempFolder scratch = new();

    public static TheoryData<string> Models => new() { TestPaths.LlamaTiny, TestPaths.BabyLlama };

    [Theory]
    [MemberData(nameof(Models))]
    public void Save_then_load_reproduces_logits_exactly(string source)
    {
        using var original = PretrainedModelLoader.Load(source, CPU);
        var saved = scratch.Combine("saved");
        PretrainedModelWriter.Save(original.Model, original.Config, saved);
        using var reloaded = PretrainedModelLoader.Load(saved, CPU);

        using var ids = tensor(new long[] { 1, 3, 34, 9, 22, 4, 3, 18, 20, 7 }).unsqueeze(0);
        using var noGrad = no_grad();
        using var before = original.AsCausalLanguageModel().forward(ids);
        using var after = reloaded.AsCausalLanguageModel().forward(ids);
        Assert.True(Golden.Identical(before, after));
        Assert.Equal(original.ParameterCount, reloaded.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Saved_files_match_what_save_pretrained_wrote(string source)
    {
        using var original = PretrainedModelLoader.Load(source, CPU);
        var saved = scratch.Combine("saved");
        PretrainedModelWriter.Save(original.Model, original.Config, saved);

        Assert.Equal(File.ReadAllBytes(Path.Combine(source, "config.json")), File.ReadAllBytes(Path.Combine(saved, "config.json")));
        var (expectedHeader, expectedData) = Split(File.ReadAllBytes(Path.Combine(source, "model.safetensors")));
        var (actualHeader, actualData) = Split(File.ReadAllBytes(Path.Combine(saved, "model.safetensors")));
        // The fixtures' Python writer puts __metadata__ last; the Rust library HF uses puts it first. Same entries.
        Assert.StartsWith("""{"__metadata__":{"format":"pt"},""", actualHeader, StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedHeader), JsonNode.Parse(actualHeader)));
        Assert.Equal(0, Encoding.UTF8.GetByteCount(actualHeader) % 8);
        Assert.Equal(expectedData, actualData);
    }

    [Fact]
    public void Saving_over_an_existing_folder_replaces_it_and_copies_extra_files()
    {
        using var model = PretrainedModelLoader.Load(TestPaths.BabyLlama, CPU);
        var target = scratch.Combine("model");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "stale.txt"), "from an earlier save");

        PretrainedModelWriter.Save(model.Model, model.Config, target, [Path.Combine(TestPaths.BabyLlama, "tokenizer.model")]);

        Assert.Equal(["config.json", "model.safetensors", "tokenizer.model"],
            Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([target], Directory.GetFileSystemEntries(scratch.Path));
    }

    [Fact]
    public void A_failed_save_leaves_the_existing_folder_untouched_and_nothing_half_written()
    {
        using var model = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);
        var target = scratch.Combine("model");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "keep.txt"), "previous");

        Assert.Throws<FileNotFoundException>(() =>
            PretrainedModelWriter.Save(model.Model, model.Config, target, [scratch.Combine("no-such-tokenizer.model")]));

        Assert.Equal([Path.Combine(target, "keep.txt")], Directory.GetFiles(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(scratch.Path));
    }

    private static (string Header, byte[] Data) Split(byte[] file)
    {
        var length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, length), file[(8 + length)..]);
    }

    public void Dispose() => scratch.Dispose();
}
