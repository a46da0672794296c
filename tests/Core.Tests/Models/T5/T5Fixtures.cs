using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.T5;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Models.T5;

/// <summary>The T5 fixture folders (fixtures/README.md, T5 section) and their goldens.</summary>
internal static class T5Fixtures
{
    public const string V10Tiny = "t5-v1_0-tiny";
    public const string FlanTiny = "flan-t5-tiny";
    public const string FlanTinyLoraMerged = "flan-t5-tiny-lora-merged";

    /// <summary>Every full T5 checkpoint with a golden: tied ReLU v1.0, untied gated-gelu FLAN, and FLAN with a merged LoRA.</summary>
    public static TheoryData<string> All => new() { V10Tiny, FlanTiny, FlanTinyLoraMerged };

    public static string Folder(string name) => TestPaths.Fixture("models", name);

    public static JsonObject Golden(string name) => Models.Golden.Read(Path.Combine(Folder(name), "golden.json"));

    public static LoadedModel Load(string name) => PretrainedModelLoader.Load(Folder(name), CPU);

    public static T5ForConditionalGeneration Model(this LoadedModel loaded) => (T5ForConditionalGeneration)loaded.Model;

    /// <summary>The golden's batch: input ids, encoder mask, labels, decoder input ids.</summary>
    public static (Tensor InputIds, Tensor Mask, Tensor Labels, Tensor DecoderInputIds) Batch(JsonNode inputs) =>
        (Models.Golden.IdTensor(inputs["input_ids"]), Models.Golden.IdTensor(inputs["attention_mask"]),
         Models.Golden.IdTensor(inputs["labels"]), Models.Golden.IdTensor(inputs["decoder_input_ids"]));
}
