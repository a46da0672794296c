using System.IO.Compression;
using System.Text.Json.Nodes;
using TorchSharp;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// A Tuning:ModelsPath folder for the inference endpoints' chat tests: random-weight Qwen3 models with the real Qwen3
/// tokenizer (<see cref="ChatModelFolders"/>), generation_config.json's eos_token_id [&lt;|im_end|&gt;, &lt;|endoftext|&gt;]
/// as Qwen3's, in three variants. Made once per test run: the models are only read.
/// </summary>
public static class InferenceChatModels
{
    /// <summary>Qwen3's own template (tokenizer_config.json's chat_template).</summary>
    public const string Qwen3 = "qwen3-chat-tiny";

    /// <summary>The same model with Gemma 3's template, which refuses roles that do not alternate (its raise_exception).</summary>
    public const string AlternatingRoles = "qwen3-alternating-tiny";

    /// <summary>A model whose first answer token is always one of the two eos ids (see <see cref="EndTurnAtOnce"/>).</summary>
    public const string EndsAtOnce = "qwen3-ends-at-once-tiny";

    public const int ImEnd = 151645, EndOfText = 151643;

    static readonly Lazy<string> shared = new(Create);

    public static string Shared => shared.Value;

    public static string Folder(string name) => Path.Combine(Shared, name);

    /// <summary>Gemma 3's chat template, from its real tokenizer_config.json.</summary>
    public static string GemmaTemplate()
    {
        using var input = new GZipStream(File.OpenRead(Path.Combine(RepoPaths.Root, "tests", "fixtures", "tokenizers-real", "gemma3", "tokenizer_config.json.gz")),
            CompressionMode.Decompress);
        return JsonNode.Parse(input)!["chat_template"]!.GetValue<string>();
    }

    static string Create()
    {
        var root = Directory.CreateTempSubdirectory("tuning-chat-models-").FullName;
        var qwen3 = ChatModelFolders.Create(root, "qwen3", Qwen3);
        File.WriteAllText(Path.Combine(qwen3, "generation_config.json"), $$"""{"bos_token_id": {{EndOfText}}, "eos_token_id": [{{ImEnd}}, {{EndOfText}}]}""");

        var alternating = Copy(qwen3, Path.Combine(root, AlternatingRoles));
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(alternating, "tokenizer_config.json")))!;
        config["chat_template"] = GemmaTemplate();
        File.WriteAllText(Path.Combine(alternating, "tokenizer_config.json"), config.ToJsonString());

        var endsAtOnce = Copy(qwen3, Path.Combine(root, EndsAtOnce));
        using (var loaded = PretrainedModelLoader.Load(endsAtOnce, torch.CPU))
        {
            EndTurnAtOnce(loaded.Model);
            var staging = Path.Combine(root, $".{EndsAtOnce}-weights");
            PretrainedModelWriter.Save(loaded.Model, loaded.Config, staging);
            File.Copy(Path.Combine(staging, "model.safetensors"), Path.Combine(endsAtOnce, "model.safetensors"), overwrite: true);
            Directory.Delete(staging, recursive: true);
        }
        return root;
    }

    static string Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        return to;
    }

    /// <summary>
    /// The final norm keeps only the first hidden dimension, and the output rows of &lt;|im_end|&gt; and
    /// &lt;|endoftext|&gt; are +1000 and -1000 there (all other rows 0 there): whatever the sign of that dimension, one of
    /// the two has by far the highest logit, so greedy decoding's first token is one stop id or the other.
    /// </summary>
    static void EndTurnAtOnce(torch.nn.Module model)
    {
        using var noGrad = torch.no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var norm = parameters.Single(p => p.Key.EndsWith("norm.weight", StringComparison.Ordinal) && !p.Key.Contains("layers", StringComparison.Ordinal)).Value;
        norm.zero_();
        norm[0] = 1f;
        var output = parameters.TryGetValue("lm_head.weight", out var head) ? head : parameters.Single(p => p.Key.EndsWith("embed_tokens.weight", StringComparison.Ordinal)).Value;
        output.select(1, 0).zero_();
        output[ImEnd][0] = 1000f;
        output[EndOfText][0] = -1000f;
    }
}
