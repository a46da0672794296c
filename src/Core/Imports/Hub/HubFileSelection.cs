namespace TuningService.Core.Imports.Hub;

/// <summary>Which files of a Hub repository make a model folder here; everything else in the repo is left alone.</summary>
public static class HubFileSelection
{
    public const string Config = "config.json";
    public const string Weights = "model.safetensors";
    public const string ShardIndex = "model.safetensors.index.json";
    public const string PickleWeights = "pytorch_model.bin";

    /// <summary>Tokenizer and generation files: taken when present, never required.</summary>
    public static readonly IReadOnlyList<string> OptionalFiles =
    [
        "generation_config.json", "tokenizer.json", "tokenizer.model", "spiece.model", "tokenizer_config.json",
        "special_tokens_map.json", "vocab.json", "merges.txt", "added_tokens.json",
    ];

    /// <summary>A shard name from an index must be a plain file name at the repo's top, like every other file taken.</summary>
    public static bool IsPlainFileName(string name) =>
        name.Length > 0 && name == Path.GetFileName(name) && !name.Contains('\\', StringComparison.Ordinal) && name is not "." and not ".."
        && !name.EndsWith(HubFileDownload.PartSuffix, StringComparison.Ordinal);

    public static string NoWeightsMessage(string repo, string revision, bool hasPickle) =>
        $"{repo}@{revision} has no {Weights} or {ShardIndex}." + (hasPickle
            ? $" It has only {PickleWeights}; only safetensors weights are supported (pickle files are not read)."
            : " Only safetensors weights are supported.");
}
