namespace TuningService.Api.Tests.Support;

/// <summary>
/// A Tuning:ModelsPath folder holding the tiny fixture checkpoints of each family (tests/fixtures/models), each with
/// the shipped model's character-level tokenizer (105 pieces, so every id fits the fixtures' 256-entry vocabularies).
/// </summary>
public static class TinyModelFolders
{
    public static string Create()
    {
        var root = Directory.CreateTempSubdirectory("tuning-models-").FullName;
        Add(root, "flan-t5-tiny", """{"tokenizer_class": "T5Tokenizer", "add_bos_token": false, "eos_token": "</s>", "unk_token": "<unk>"}""");
        Add(root, "gpt2-tiny", """{"tokenizer_class": "LlamaTokenizer", "add_bos_token": true, "bos_token": "<s>", "eos_token": "</s>"}""");
        return root;
    }

    static void Add(string root, string name, string tokenizerConfig)
    {
        var target = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        var fixture = Path.Combine(RepoPaths.Root, "tests", "fixtures", "models", name);
        foreach (var file in new[] { "config.json", "model.safetensors" })
            File.Copy(Path.Combine(fixture, file), Path.Combine(target, file));
        File.Copy(Path.Combine(RepoPaths.BuiltInModel, "tokenizer.model"), Path.Combine(target, "tokenizer.model"));
        File.WriteAllText(Path.Combine(target, "tokenizer_config.json"), tokenizerConfig);
    }
}
