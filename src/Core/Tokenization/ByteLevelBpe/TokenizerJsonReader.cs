using System.Text.Json;

namespace TuningService.Core.Tokenization.ByteLevelBpe;

/// <summary>
/// Reads the BPE kind of Hugging Face tokenizer.json (GPT-2 style: byte-level pre-tokenizer and decoder) into a
/// <see cref="ByteLevelBpeDefinition"/>. Microsoft.ML.Tokenizers has no tokenizer.json loader. Anything whose
/// encoding would differ from a byte-level BPE is refused with NotSupportedException naming it, rather than
/// tokenised differently from the model's training.
/// </summary>
internal static class TokenizerJsonReader
{
    public static ByteLevelBpeDefinition Read(string path)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{path}' has no \"model\" object.");
        }

        var kind = ModelKind(model);
        if (kind != "BPE")
        {
            throw new NotSupportedException(
                $"'{path}' holds a {kind} tokenizer; only BPE tokenizer.json files are supported (a SentencePiece model is read from tokenizer.model or spiece.model).");
        }

        EnsureNoUnsupportedModelOptions(model, path);
        TokenizerJsonPipeline.EnsureByteLevel(root, path);
        var definition = new ByteLevelBpeDefinition(
            ReadVocabulary(model, path),
            ReadMerges(model, path),
            ReadAddedTokens(root, path),
            model.TryGetProperty("unk_token", out var unk) && unk.ValueKind == JsonValueKind.String ? unk.GetString() : null,
            TokenizerJsonPipeline.TemplateBosToken(root));

        if (definition.TemplateBosToken is { } bos && definition.TokenToId(bos) is null)
        {
            throw new InvalidDataException($"'{path}': the post-processor's first token '{bos}' is not in the vocabulary or the added tokens.");
        }

        return definition;
    }

    /// <summary>model.type; files written before it was serialised are told apart by their fields, as tokenizers does.</summary>
    private static string ModelKind(JsonElement model)
    {
        if (model.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            return type.GetString()!;
        }

        if (model.TryGetProperty("merges", out _))
        {
            return "BPE";
        }

        if (model.TryGetProperty("vocab", out var vocab) && vocab.ValueKind == JsonValueKind.Array)
        {
            return "Unigram";
        }

        return model.TryGetProperty("continuing_subword_prefix", out _) ? "WordPiece" : "WordLevel";
    }

    private static void EnsureNoUnsupportedModelOptions(JsonElement model, string path)
    {
        // Each of these changes how words are split into tokens, and the library's byte-level BPE has none of them.
        foreach (var option in new[] { "dropout", "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (model.TryGetProperty(option, out var value) && value.ValueKind != JsonValueKind.Null && !(value.ValueKind == JsonValueKind.String && value.GetString() == ""))
            {
                throw new NotSupportedException($"'{path}': BPE with {option} {value.GetRawText()} is not supported.");
            }
        }

        foreach (var flag in new[] { "byte_fallback", "ignore_merges" })
        {
            if (model.TryGetProperty(flag, out var value) && value.ValueKind == JsonValueKind.True)
            {
                throw new NotSupportedException($"'{path}': BPE with {flag} true is not supported.");
            }
        }
    }

    private static Dictionary<string, int> ReadVocabulary(JsonElement model, string path)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{path}': model.vocab is not an object of token ids.");
        }

        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocab.EnumerateObject())
        {
            vocabulary[entry.Name] = entry.Value.TryGetInt32(out var id) && id >= 0
                ? id
                : throw new InvalidDataException($"'{path}': model.vocab[\"{entry.Name}\"] is not a token id.");
        }

        return vocabulary;
    }

    /// <summary>Merges as "a b" strings, or as [a, b] pairs (newer files); the library takes "a b".</summary>
    private static List<string> ReadMerges(JsonElement model, string path)
    {
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"'{path}': model.merges is not a list.");
        }

        var result = new List<string>(merges.GetArrayLength());
        foreach (var merge in merges.EnumerateArray())
        {
            result.Add(merge switch
            {
                { ValueKind: JsonValueKind.String } s when s.GetString()!.Split(' ') is [{ Length: > 0 }, { Length: > 0 }] => s.GetString()!,
                { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() == 2 && a.EnumerateArray().All(IsMergePart) => $"{a[0].GetString()} {a[1].GetString()}",
                _ => throw new InvalidDataException($"'{path}': merge {result.Count} ({merge.GetRawText()}) is not two tokens without spaces."),
            });
        }

        return result;
    }

    // A pair token holding a space cannot be written as "a b"; byte-level tokens never hold one (space is 'Ġ').
    private static bool IsMergePart(JsonElement part) =>
        part.ValueKind == JsonValueKind.String && part.GetString() is { Length: > 0 } text && !text.Contains(' ', StringComparison.Ordinal);

    /// <summary>added_tokens; their lstrip/rstrip/single_word/normalized flags are not applied (GPT-2's are all off).</summary>
    private static List<AddedToken> ReadAddedTokens(JsonElement root, string path)
    {
        var added = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var tokens) || tokens.ValueKind != JsonValueKind.Array)
        {
            return added;
        }

        foreach (var token in tokens.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Object
                || !token.TryGetProperty("id", out var id) || !id.TryGetInt32(out var value) || value < 0
                || !token.TryGetProperty("content", out var content) || content.GetString() is not { Length: > 0 } text)
            {
                throw new InvalidDataException($"'{path}': added token {token.GetRawText()} has no id or content.");
            }

            added.Add(new AddedToken(value, text, token.TryGetProperty("special", out var special) && special.ValueKind == JsonValueKind.True));
        }

        return added;
    }

    private static JsonDocument Parse(string path)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
