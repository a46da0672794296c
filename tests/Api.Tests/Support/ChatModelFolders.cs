using System.IO.Compression;
using System.Text.Json.Nodes;
using TuningService.Core.Models.HuggingFace;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// A Tuning:ModelsPath folder with tiny random-weight Qwen3 models carrying the real Qwen3 tokenizer (its
/// tokenizer_config.json holds the chat template): the fixture qwen3-tiny's 352-entry vocabulary is too small for it,
/// so the model is qwen3-shaped with the tokenizer's full vocabulary and a tiny hidden size.
/// </summary>
public static class ChatModelFolders
{
    /// <summary>Qwen3's own template; generation_config.json's eos_token_id is [&lt;|im_end|&gt;, &lt;|endoftext|&gt;], as Qwen3's.</summary>
    public const string Qwen3 = "qwen3-chat-tiny";

    /// <summary>The same model with Gemma 3's template, which refuses roles that do not alternate (its raise_exception).</summary>
    public const string AlternatingRoles = "qwen3-alternating-tiny";

    /// <summary>A model whose first answer token is always one of generation_config.json's two eos ids (see <see cref="EndTurnAtOnce"/>).</summary>
    public const string EndsAtOnce = "qwen3-ends-at-once-tiny";

    public const int ImEnd = 151645, EndOfText = 151643;

    static readonly Lazy<string> shared = new(Create);

    /// <summary>One folder per test run: the models are only read.</summary>
    public static string Shared => shared.Value;

    static string Create()
    {
        var root = Directory.CreateTempSubdirectory("tuning-chat-models-").FullName;
        var qwen3 = Path.Combine(root, Qwen3);
        WriteRandomQwen3(qwen3, endTurnAtOnce: false);
        WriteRandomQwen3(Path.Combine(root, EndsAtOnce), endTurnAtOnce: true);
        var alternating = Directory.CreateDirectory(Path.Combine(root, AlternatingRoles)).FullName;
        foreach (var file in Directory.GetFiles(qwen3)) File.Copy(file, Path.Combine(alternating, Path.GetFileName(file)));
        var config = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(alternating, "tokenizer_config.json")))!;
        config["chat_template"] = GemmaTemplate();
        File.WriteAllText(Path.Combine(alternating, "tokenizer_config.json"), config.ToJsonString());
        return root;
    }

    /// <summary>The real Qwen3 tokenizer files, unpacked (tokenizer.json is stored gzipped).</summary>
    public static string Qwen3Tokenizer(string folder)
    {
        var source = Path.Combine(RepoPaths.Root, "tests", "fixtures", "tokenizers-real", "qwen3");
        Directory.CreateDirectory(folder);
        using (var input = new GZipStream(File.OpenRead(Path.Combine(source, "tokenizer.json.gz")), CompressionMode.Decompress))
        using (var output = File.Create(Path.Combine(folder, "tokenizer.json")))
            input.CopyTo(output);
        File.Copy(Path.Combine(source, "tokenizer_config.json"), Path.Combine(folder, "tokenizer_config.json"));
        return folder;
    }

    public static string GemmaTemplate()
    {
        using var input = new GZipStream(File.OpenRead(Path.Combine(RepoPaths.Root, "tests", "fixtures", "tokenizers-real", "gemma3", "tokenizer_config.json.gz")),
            CompressionMode.Decompress);
        return JsonNode.Parse(input)!["chat_template"]!.GetValue<string>();
    }

    static void WriteRandomQwen3(string folder, bool endTurnAtOnce)
    {
        var json = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "models", "qwen3-tiny", "config.json")))!;
        // Qwen3's own vocabulary size (151 936, the tokenizer's 151 669 ids padded); everything else as small as it goes.
        json["vocab_size"] = 151936;
        json["hidden_size"] = 16;
        json["intermediate_size"] = 32;
        json["num_hidden_layers"] = 1;
        json["num_attention_heads"] = 2;
        json["num_key_value_heads"] = 1;
        json["head_dim"] = 8;
        json["max_window_layers"] = 1;
        json["max_position_embeddings"] = 512;
        json["tie_word_embeddings"] = true;
        json["bos_token_id"] = EndOfText;
        json["eos_token_id"] = ImEnd;
        var family = ModelFamilies.Resolve(json);
        var config = family.ParseConfig(json);
        TorchSharp.torch.manual_seed(7);
        using var model = family.CreateModel(config);
        if (endTurnAtOnce) EndTurnAtOnce(model);
        var staging = Qwen3Tokenizer(Directory.CreateTempSubdirectory("tuning-qwen3-files-").FullName);
        File.WriteAllText(Path.Combine(staging, "generation_config.json"), $$"""{"bos_token_id": {{EndOfText}}, "eos_token_id": [{{ImEnd}}, {{EndOfText}}]}""");
        PretrainedModelWriter.Save(model, config, folder, Directory.GetFiles(staging));
    }

    /// <summary>
    /// The final norm keeps only the first hidden dimension and the (tied) embedding rows of &lt;|im_end|&gt; and
    /// &lt;|endoftext|&gt; are +1000 and -1000 there: whatever the sign of that dimension, one of the two has by far the
    /// highest logit, so greedy decoding's first token is one stop id or the other.
    /// </summary>
    static void EndTurnAtOnce(TorchSharp.torch.nn.Module model)
    {
        using var noGrad = TorchSharp.torch.no_grad();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var norm = parameters.Single(p => p.Key.EndsWith("norm.weight", StringComparison.Ordinal) && !p.Key.Contains("layers", StringComparison.Ordinal)).Value;
        norm.zero_();
        norm[0] = 1f;
        var embeddings = parameters.Single(p => p.Key.EndsWith("embed_tokens.weight", StringComparison.Ordinal)).Value;
        embeddings[ImEnd].zero_();
        embeddings[ImEnd][0] = 1000f;
        embeddings[EndOfText].zero_();
        embeddings[EndOfText][0] = -1000f;
    }
}
