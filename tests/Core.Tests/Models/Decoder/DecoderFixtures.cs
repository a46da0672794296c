using System.Text.Json.Nodes;
using TuningService.Core.Models.Decoder;
using TuningService.Core.Models.HuggingFace;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.Decoder;

/// <summary>The six tiny decoder-family fixtures (fixtures/README.md, "Six more decoder families") and their goldens.</summary>
internal static class DecoderFixtures
{
    public static readonly string[] Names = ["qwen2-tiny", "qwen3-tiny", "mistral-tiny", "phi3-tiny", "gemma2-tiny", "gemma3-tiny"];

    public static TheoryData<string> All => [.. Names];

    /// <summary>The families with a sliding window on some layer.</summary>
    public static TheoryData<string> Sliding => ["mistral-tiny", "gemma2-tiny", "gemma3-tiny"];

    public static string Folder(string name) => TestPaths.Fixture("models", name);

    public static LoadedModel Load(string name) => PretrainedModelLoader.Load(Folder(name), CPU);

    public static DecoderForCausalLM Model(LoadedModel loaded) => (DecoderForCausalLM)loaded.Model;

    public static JsonObject GoldenOf(string name) => Golden.Read(Path.Combine(Folder(name), "golden.json"));

    /// <summary>The flat indices of every logit at a position whose attention_mask is 1 (the README compares only those).</summary>
    public static int[] RealLogitIndices(JsonNode attentionMask, int vocab)
    {
        var mask = Golden.Ints(attentionMask);
        return Enumerable.Range(0, mask.Length).Where(p => mask[p] == 1)
            .SelectMany(p => Enumerable.Range(p * vocab, vocab)).ToArray();
    }

    /// <summary>Golden and actual logits at the real positions of <paramref name="attentionMask"/>.</summary>
    public static void AssertRealPositionsClose(JsonNode goldenLogits, Tensor actual, JsonNode attentionMask, string what)
    {
        Assert.Equal(Golden.Shape(goldenLogits), actual.shape);
        var real = RealLogitIndices(attentionMask, (int)actual.shape[2]);
        var expected = Golden.Floats(goldenLogits["data"]);
        var values = actual.data<float>().ToArray();
        Golden.AssertLogitsClose(real.Select(i => expected[i]).ToArray(), real.Select(i => values[i]).ToArray(), what);
    }
}
