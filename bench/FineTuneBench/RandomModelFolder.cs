using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Bench.FineTuneBench;

/// <summary>Writes a Hugging Face model folder with random weights, so a run loads it as a job loads any base model.</summary>
public static class RandomModelFolder
{
    /// <summary>Builds the module from <paramref name="config"/>, draws its weights and saves config.json + model.safetensors.</summary>
    public static void Write(JsonObject config, string folder, int seed)
    {
        var family = ModelFamilies.Resolve(config);
        var parsed = family.ParseConfig(config);
        using var scope = torch.NewDisposeScope();
        using var model = family.CreateModel(parsed);
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        using (torch.no_grad())
        {
            // normal(0, 0.02) is GPT-2's and Llama's initializer_range; matrices only, so norms keep their 1s and
            // biases their 0s and the activations stay of a trained model's size (no overflow, no vanishing).
            foreach (var parameter in model.parameters().Where(p => p.dim() >= 2))
                parameter.normal_(0, 0.02, generator);
        }
        PretrainedModelWriter.Save(model, parsed, folder);
    }
}
