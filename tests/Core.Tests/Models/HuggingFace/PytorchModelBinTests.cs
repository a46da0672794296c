using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tests.Models.Gpt2;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.HuggingFace;

/// <summary>pytorch_model.bin, read when a folder has no safetensors (fixture written by PyTorch's own torch.save).</summary>
public sealed class PytorchModelBinTests : IDisposable
{
    private readonly TempFolder scratch = new();

    [Fact]
    public void A_torch_save_checkpoint_loads_to_the_golden_logits()
    {
        Assert.False(File.Exists(Path.Combine(Gpt2Fixtures.TinyBin, "model.safetensors")));

        using var loaded = PretrainedModelLoader.Load(Gpt2Fixtures.TinyBin, CPU);

        Golden.AssertLogitsClose(Gpt2Fixtures.RowZeroGolden(), Gpt2Fixtures.RowZeroLogits(loaded), "pytorch_model.bin");
        Assert.Equal(124_672, loaded.ParameterCount);
    }

    [Fact]
    public void Safetensors_win_when_both_files_exist()
    {
        var folder = scratch.Combine("both");
        Directory.CreateDirectory(folder);
        foreach (var file in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(Gpt2Fixtures.Tiny, file), Path.Combine(folder, file));
        File.WriteAllText(Path.Combine(folder, "pytorch_model.bin"), "not a pickle");

        using var loaded = PretrainedModelLoader.Load(folder, CPU);
        Golden.AssertLogitsClose(Gpt2Fixtures.RowZeroGolden(), Gpt2Fixtures.RowZeroLogits(loaded), "safetensors preferred");
    }

    [Fact]
    public void A_file_that_is_not_a_torch_zip_is_a_clear_error()
    {
        var folder = scratch.Combine("legacy");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Gpt2Fixtures.Tiny, "config.json"), Path.Combine(folder, "config.json"));
        File.WriteAllBytes(Path.Combine(folder, "pytorch_model.bin"), [0x80, 0x02, 0x8a, 0x0a]); // a legacy (pre-1.6) pickle's start

        var error = Assert.Throws<InvalidDataException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("is not a readable PyTorch state dict", error.Message);
    }

    [Fact]
    public void A_folder_without_any_weights_names_every_file_it_looked_for()
    {
        var folder = scratch.Combine("none");
        Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Gpt2Fixtures.Tiny, "config.json"), Path.Combine(folder, "config.json"));

        var error = Assert.Throws<FileNotFoundException>(() => PretrainedModelLoader.Load(folder, CPU));
        Assert.Contains("No model.safetensors, model.safetensors.index.json or pytorch_model.bin", error.Message);
    }

    public void Dispose() => scratch.Dispose();
}
