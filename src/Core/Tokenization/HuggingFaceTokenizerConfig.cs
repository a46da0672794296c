using System.Text.Json;

namespace TuningService.Core.Tokenization;

/// <summary>
/// What a Hugging Face model folder says about special tokens: tokenizer_config.json, special_tokens_map.json
/// (which wins over tokenizer_config.json, as in transformers' from_pretrained) and config.json's token ids.
/// </summary>
internal sealed class HuggingFaceTokenizerConfig
{
    public const string TokenizerConfigFile = "tokenizer_config.json";
    public const string SpecialTokensMapFile = "special_tokens_map.json";
    public const string ModelConfigFile = "config.json";

    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public bool? AddBosToken { get; private init; }
    public string? TokenizerClass { get; private init; }
    public ConfiguredToken BosToken { get; private init; }
    public ConfiguredToken EosToken { get; private init; }
    public ConfiguredToken PadToken { get; private init; }
    public int? ConfigBosId { get; private init; }
    public int? ConfigEosId { get; private init; }
    public int? ConfigPadId { get; private init; }

    /// <summary>Reads whichever of the three files exist; none of them is required.</summary>
    public static HuggingFaceTokenizerConfig Read(string dir)
    {
        using var tokenizerConfig = Parse(dir, TokenizerConfigFile);
        using var specialTokensMap = Parse(dir, SpecialTokensMapFile);
        using var modelConfig = Parse(dir, ModelConfigFile);
        var tokenizer = tokenizerConfig?.RootElement;
        var map = specialTokensMap?.RootElement;
        var model = modelConfig?.RootElement;

        return new HuggingFaceTokenizerConfig
        {
            AddBosToken = Property(tokenizer, "add_bos_token") is { ValueKind: JsonValueKind.True or JsonValueKind.False } add ? add.GetBoolean() : null,
            TokenizerClass = Property(tokenizer, "tokenizer_class") is { ValueKind: JsonValueKind.String } cls ? cls.GetString() : null,
            BosToken = Token(map, tokenizer, "bos_token"),
            EosToken = Token(map, tokenizer, "eos_token"),
            PadToken = Token(map, tokenizer, "pad_token"),
            ConfigBosId = TokenId(model, "bos_token_id"),
            ConfigEosId = TokenId(model, "eos_token_id"),
            ConfigPadId = TokenId(model, "pad_token_id"),
        };
    }

    /// <summary>
    /// Each id: the piece a config names, else config.json's id, else the tokenizer model's own. AddBos:
    /// add_bos_token, else the tokenizer class's default, else whether there is a BOS.
    /// </summary>
    public SpecialTokenIds Resolve(SpecialTokenIds fromModel, Func<string, int?> pieceToId, string dir)
    {
        var bos = Resolve(BosToken, ConfigBosId, fromModel.BosId, pieceToId);
        var eos = Resolve(EosToken, ConfigEosId, fromModel.EosId, pieceToId);
        var pad = Resolve(PadToken, ConfigPadId, fromModel.PadId, pieceToId);
        var addBos = AddBosToken ?? DefaultAddBos(TokenizerClass) ?? bos is not null;
        if (addBos && bos is null)
        {
            throw new InvalidDataException($"The tokenizer in '{dir}' should add BOS (add_bos_token or tokenizer_class) but has no BOS token.");
        }

        return new SpecialTokenIds(bos, eos, pad, addBos);
    }

    private static int? Resolve(ConfiguredToken token, int? configId, int? modelId, Func<string, int?> pieceToId)
    {
        if (token.IsSet)
        {
            if (token.Content is null)
            {
                return null;
            }

            if (pieceToId(token.Content) is { } id)
            {
                return id;
            }
        }

        return configId ?? modelId;
    }

    /// <summary>transformers' defaults when tokenizer_config.json has no add_bos_token.</summary>
    private static bool? DefaultAddBos(string? tokenizerClass) =>
        tokenizerClass?.Replace("Fast", "", StringComparison.Ordinal) switch
        {
            "LlamaTokenizer" or "CodeLlamaTokenizer" => true,
            "T5Tokenizer" => false,
            _ => null,
        };

    private static JsonDocument? Parse(string dir, string fileName)
    {
        var path = Path.Combine(dir, fileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(File.ReadAllText(path), Lenient);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonElement? Property(JsonElement? obj, string name) =>
        obj is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var value) ? value : null;

    /// <summary>A token is a string or an AddedToken object with "content"; special_tokens_map.json wins.</summary>
    private static ConfiguredToken Token(JsonElement? specialTokensMap, JsonElement? tokenizerConfig, string name)
    {
        var value = Property(specialTokensMap, name) ?? Property(tokenizerConfig, name);
        return value switch
        {
            null => ConfiguredToken.NotSet,
            { ValueKind: JsonValueKind.Null } => new ConfiguredToken(true, null),
            { ValueKind: JsonValueKind.String } s => new ConfiguredToken(true, s.GetString()),
            { ValueKind: JsonValueKind.Object } o when o.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String
                => new ConfiguredToken(true, content.GetString()),
            _ => ConfiguredToken.NotSet,
        };
    }

    /// <summary>An int, or the first of a list (Llama 3 lists several eos ids); null when absent or null.</summary>
    private static int? TokenId(JsonElement? modelConfig, string name) =>
        Property(modelConfig, name) switch
        {
            { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var id) => id,
            { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() > 0 && a[0].TryGetInt32(out var first) => first,
            _ => null,
        };
}
