using System.Text.Json;
using System.Text.Json.Nodes;
using static TuningService.Core.Tests.Tokenization.TokenizerFixtures;

namespace TuningService.Core.Tests.Tokenization;

/// <summary>A tokenizer.json laid out as transformers writes GPT-2's, built from the GPT-2 vocab.json and merges.txt.</summary>
internal static class Gpt2TokenizerJson
{
    public static JsonObject Build(bool mergesAsPairs)
    {
        var vocab = JsonNode.Parse(File.ReadAllText(Gpt2Vocab))!.AsObject();
        var merges = new JsonArray();
        foreach (var line in File.ReadLines(Gpt2Merges).Skip(1).Where(line => line.Length > 0))
        {
            var parts = line.Split(' ');
            merges.Add(mergesAsPairs ? new JsonArray(parts[0], parts[1]) : JsonValue.Create(line));
        }

        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = 50256, ["content"] = "<|endoftext|>", ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = true, ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = ByteLevel(addPrefixSpace: false),
            ["post_processor"] = ByteLevel(addPrefixSpace: true),
            ["decoder"] = ByteLevel(addPrefixSpace: true),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "", ["fuse_unk"] = false, ["byte_fallback"] = false,
                ["vocab"] = vocab, ["merges"] = merges,
            },
        };
    }

    public static string Text(JsonObject tokenizerJson) => tokenizerJson.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    private static JsonObject ByteLevel(bool addPrefixSpace) => new()
    {
        ["type"] = "ByteLevel", ["add_prefix_space"] = addPrefixSpace, ["trim_offsets"] = true, ["use_regex"] = true,
    };
}
