using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.HuggingFace;

public sealed class PretrainedModelLoaderTests
{
    [Fact]
    public void A_model_loaded_inside_a_dispose_scope_outlives_it()
    {
        LoadedModel loaded;
        using (NewDisposeScope())
            loaded = PretrainedModelLoader.Load(TestPaths.LlamaTiny, CPU);

        using (loaded)
        using (NewDisposeScope())
        {
            Assert.All(loaded.Model.parameters(), p => Assert.False(p.IsInvalid));
            var logits = loaded.AsCausalLanguageModel().forward(tensor(new long[] { 1, 87, 10 }).unsqueeze(0));
            Assert.Equal([1, 3, 256], logits.shape);
        }
    }

    [Fact]
    public void A_folder_without_config_is_named_in_the_error()
    {
        using var scratch = new TempFolder();

        var error = Assert.Throws<FileNotFoundException>(() => PretrainedModelLoader.Load(scratch.Path, CPU));
        Assert.Contains($"No config.json in '{scratch.Path}'", error.Message);
    }

    [Fact]
    public void A_folder_without_safetensors_weights_is_an_error()
    {
        using var scratch = new TempFolder();
        File.Copy(Path.Combine(TestPaths.LlamaTiny, "config.json"), scratch.Combine("config.json"));

        var error = Assert.Throws<FileNotFoundException>(() => PretrainedModelLoader.Load(scratch.Path, CPU));
        Assert.Contains("No model.safetensors", error.Message);
    }
}
