using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Bench.MemoryBench;

/// <summary>
/// A random-weight checkpoint of TinyLlama-1.1B's shape (TinyLlama/TinyLlama-1.1B-Chat-v1.0's config.json) in bf16
/// safetensors, about 2.2 GB, written once and reused. Random weights: memory and speed depend on the shapes only.
/// </summary>
public static class TinyLlamaFolder
{
    public static JsonObject Config() => new()
    {
        ["model_type"] = "llama", ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["vocab_size"] = 32000, ["hidden_size"] = 2048, ["intermediate_size"] = 5632, ["num_hidden_layers"] = 22,
        ["num_attention_heads"] = 32, ["num_key_value_heads"] = 4, ["max_position_embeddings"] = 2048,
        ["hidden_act"] = "silu", ["rms_norm_eps"] = 1e-5, ["rope_theta"] = 10000.0, ["tie_word_embeddings"] = false,
        ["bos_token_id"] = 1, ["eos_token_id"] = 2, ["torch_dtype"] = "bfloat16",
    };

    /// <summary>Writes the folder unless a complete one is there (config.json is written last).</summary>
    public static void Ensure(string folder)
    {
        if (File.Exists(Path.Combine(folder, PretrainedModelLoader.ConfigFile)))
            return;
        Console.WriteLine($"Writing a random-weight TinyLlama-1.1B-shaped checkpoint (bf16) to {folder} ...");
        Directory.CreateDirectory(folder);
        var config = Config();
        var family = ModelFamilies.Resolve(config);
        using var scope = torch.NewDisposeScope();
        using var model = family.CreateModel(family.ParseConfig(config));
        using var generator = new torch.Generator(1, torch.CPU);
        using (torch.no_grad())
        {
            // Matrices drawn as RandomModelFolder draws them (normal, 0.02), one at a time into bf16, so the fp32
            // model is the only full copy held.
            foreach (var parameter in model.parameters().Where(p => p.dim() >= 2))
                parameter.normal_(0, 0.02, generator);
        }
        model.to(torch.ScalarType.BFloat16);
        var weights = Path.Combine(folder, "model.safetensors");
        File.Delete(weights);
        SafetensorsWriter.Write(weights, model.state_dict().ToDictionary(e => e.Key, e => e.Value.detach()),
            new Dictionary<string, string> { ["format"] = "pt" });
        File.WriteAllText(Path.Combine(folder, PretrainedModelLoader.ConfigFile), config.ToJsonString());
    }
}
