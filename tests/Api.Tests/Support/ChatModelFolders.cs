using System.IO.Compression;
using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// Chat models of today's families as a user brings them: a model folder of a family's shape (the tiny fixture's
/// config.json, its vocabulary widened to the real tokenizer's), random weights, and a real tokenizer.json with the
/// chat template its tokenizer_config.json ships (Qwen3's for qwen2/qwen3, Llama 3's for mistral/phi3, Gemma 3's for
/// gemma2/gemma3_text).
/// </summary>
public static class ChatModelFolders
{
    public static string TokenizerFor(string family) => family switch
    {
        "qwen2" or "qwen3" => "qwen3",
        "mistral" or "phi3" => "llama3",
        "gemma2" or "gemma3" => "gemma3",
        _ => throw new ArgumentOutOfRangeException(nameof(family), family, null),
    };

    /// <summary>Writes <c>{root}/{name}</c> and returns its path.</summary>
    public static string Create(string root, string family, string name, int seed = 7)
    {
        var target = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        var tokenizerSource = Path.Combine(RepoPaths.Root, "tests", "fixtures", "tokenizers-real", TokenizerFor(family));
        foreach (var file in Directory.GetFiles(tokenizerSource).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)))
        {
            var fileName = Path.GetFileName(file);
            if (fileName.EndsWith(".gz", StringComparison.Ordinal))
            {
                using var input = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
                using var output = File.Create(Path.Combine(target, fileName[..^3]));
                input.CopyTo(output);
            }
            else
            {
                File.Copy(file, Path.Combine(target, fileName));
            }
        }
        var tokenizer = TokenizerLoader.FromModelFolder(target);

        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "models", $"{family}-tiny", "config.json")))!.AsObject();
        config["vocab_size"] = tokenizer.VocabSize;
        config["bos_token_id"] = tokenizer.BosId;
        config["eos_token_id"] = tokenizer.EosId;
        config["pad_token_id"] = tokenizer.PadId;
        File.WriteAllText(Path.Combine(target, "config.json"), config.ToJsonString());

        torch.manual_seed(seed);
        var parsed = PretrainedModelLoader.LoadConfig(target);
        using var model = ModelFamilies.Resolve(config).CreateModel(parsed);
        // Hugging Face's initializer_range (0.02) rather than TorchSharp's defaults, whose N(0, 1) embeddings give
        // logits in the tens over a 150k-token vocabulary.
        using (torch.no_grad())
            foreach (var (_, parameter) in model.named_parameters())
                if (parameter.dim() >= 2) parameter.normal_(0, 0.02);
        var staging = Path.Combine(root, $".{name}-weights");
        PretrainedModelWriter.Save(model, parsed, staging);
        File.Move(Path.Combine(staging, "model.safetensors"), Path.Combine(target, "model.safetensors"));
        Directory.Delete(staging, recursive: true);
        return target;
    }
}
