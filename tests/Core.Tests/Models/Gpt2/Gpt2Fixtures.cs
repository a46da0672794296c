using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Gpt2;

/// <summary>The gpt2-tiny fixtures and edited copies of them.</summary>
internal static class Gpt2Fixtures
{
    public static string Tiny => TestPaths.Fixture("models", "gpt2-tiny");

    /// <summary>gpt2-tiny's weights as a torch.save pytorch_model.bin, with attn buffers and a tied lm_head (see its script).</summary>
    public static string TinyBin => TestPaths.Fixture("models", "gpt2-tiny-bin");

    public static JsonObject Golden() => Models.Golden.Read(Path.Combine(Tiny, "golden.json"));

    /// <summary>gpt2-tiny's config and tensors with <paramref name="edit"/> applied, written under <paramref name="scratch"/>.</summary>
    public static string Variant(TempFolder scratch, string name, Action<JsonObject, Dictionary<string, Tensor>> edit)
    {
        var config = ModelFolders.ReadConfig(Tiny);
        var tensors = ModelFolders.ReadTensors(Tiny);
        edit(config, tensors);
        return ModelFolders.Write(scratch.Combine(name), config, tensors);
    }

    /// <summary>Golden logits of batch row 0, which is unpadded and equals the greedy prompt.</summary>
    public static float[] RowZeroGolden() => Models.Golden.Floats(Golden()["logits"]!["data"]![0]);

    /// <summary>The model's logits [1, T, V] for batch row 0.</summary>
    public static float[] RowZeroLogits(LoadedModel loaded)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = Models.Golden.IdTensor(Golden()["greedy"]!["input_ids"]);
        return loaded.AsCausalLanguageModel().forward(ids).data<float>().ToArray();
    }
}
