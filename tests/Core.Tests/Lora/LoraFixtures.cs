using System.Text.Json.Nodes;
using TuningService.Core.Lora;
using TuningService.Core.Models;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Models.T5;
using TuningService.Core.Tests.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Tests.Lora;

/// <summary>The tiny model fixtures, the PEFT adapter fixture (fixtures/README.md, LoRA section) and helpers.</summary>
internal static class LoraFixtures
{
    public const string FlanT5 = "flan-t5-tiny";
    public const string Llama = "llama-tiny";
    public const string Gpt2 = "gpt2-tiny";

    /// <summary>
    /// Every family: encoder-decoder, decoder-only with nn.Linear, decoder-only with Conv1D, and the six Llama-like
    /// families of the shared decoder (Phi-3 with fused qkv_proj / gate_up_proj, Gemma with tied embeddings).
    /// </summary>
    public static TheoryData<string> Families => new()
    {
        FlanT5, Llama, Gpt2, "qwen2-tiny", "qwen3-tiny", "mistral-tiny", "phi3-tiny", "gemma2-tiny", "gemma3-tiny",
    };

    public static string Folder(string name) => TestPaths.Fixture("models", name);

    public static string AdapterFolder => Folder("flan-t5-tiny-lora");

    public static string MergedFolder => Folder("flan-t5-tiny-lora-merged");

    public static JsonObject GoldenOf(string folder) => Golden.Read(Path.Combine(folder, "golden.json"));

    public static LoadedModel Load(string nameOrFolder) =>
        PretrainedModelLoader.Load(Path.IsPathRooted(nameOrFolder) ? nameOrFolder : Folder(nameOrFolder), CPU);

    /// <summary>
    /// Logits for the golden batch of <paramref name="name"/>'s fixture (padded, with its attention mask; T5 with its
    /// decoder input ids), as a detached tensor the caller disposes.
    /// </summary>
    public static Tensor BatchLogits(LoadedModel loaded, string name)
    {
        var inputs = GoldenOf(Folder(name))["inputs"]!;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var ids = Golden.IdTensor(inputs["input_ids"]);
        var mask = Golden.IdTensor(inputs["attention_mask"]);
        var logits = loaded.Model switch
        {
            T5ForConditionalGeneration t5 => t5.forward(ids, mask, Golden.IdTensor(inputs["decoder_input_ids"])),
            Core.Models.Llama.LlamaForCausalLM llama => llama.forward(ids, mask),
            Core.Models.Decoder.DecoderForCausalLM decoder => decoder.forward(ids, mask),
            CausalLanguageModel causal => causal.forward(ids), // GPT-2: right padding needs no mask at real positions
            _ => throw new NotSupportedException(loaded.Model.GetType().Name),
        };
        return logits.detach().MoveToOuterDisposeScope();
    }

    /// <summary>Gives every adapter a non-zero B (a fresh one is zero and hides mistakes in the adapter path).</summary>
    public static void RandomizeB(TorchSharp.torch.nn.Module model, int seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        using var noGrad = no_grad();
        foreach (var (_, layer) in LoraLayers.Find(model))
        {
            using var values = randn(layer.LoraB.shape, generator: generator) * 0.5;
            layer.LoraB.copy_(values);
        }
    }

    /// <summary>Detached copies of every state-dict tensor, to compare a model with itself later.</summary>
    public static Dictionary<string, Tensor> Snapshot(TorchSharp.torch.nn.Module model) =>
        model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach().clone(), StringComparer.Ordinal);

    /// <summary>Largest |a - b| over two tensors of the same shape.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.shape, b.shape);
        using var diff = (a - b).abs().max();
        return diff.item<float>();
    }
}
