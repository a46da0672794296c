using System.Text.Json;
using static TuningService.Core.Tokenization.HuggingFaceConfigValues;

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
    public const string ChatTemplateFile = "chat_template.jinja";

    private static readonly JsonDocumentOptions Lenient = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    public bool? AddBosToken { get; private init; }
    public string? TokenizerClass { get; private init; }
    public ConfiguredToken BosToken { get; private init; }
    public ConfiguredToken EosToken { get; private init; }
    public ConfiguredToken PadToken { get; private init; }
    public int? ConfigBosId { get; private init; }
    public int? ConfigEosId { get; private init; }
    public int? ConfigPadId { get; private init; }
    public ConfiguredToken UnkToken { get; private init; }

    /// <summary>additional_special_tokens (T5 lists its &lt;extra_id_N&gt; sentinels here).</summary>
    public IReadOnlyList<string> AdditionalSpecialTokens { get; private init; } = [];

    /// <summary>tokenizer_config.json's added_tokens_decoder: tokens with the ids transformers gave them.</summary>
    public IReadOnlyList<AddedToken> AddedTokensDecoder { get; private init; } = [];

    /// <summary>T5Tokenizer's extra_ids: how many &lt;extra_id_N&gt; sentinels follow the SentencePiece pieces.</summary>
    public int? ExtraIds { get; private init; }

    /// <summary>tokenizer_config.json's clean_up_tokenization_spaces (null: not said; transformers then does not clean up).</summary>
    public bool? CleanUpTokenizationSpaces { get; private init; }

    /// <summary>tokenizer_config.json's add_eos_token.</summary>
    public bool? AddEosToken { get; private init; }

    /// <summary>
    /// The chat templates: tokenizer_config.json's chat_template as a string (named "default" here) or as a list of
    /// {"name", "template"}, and chat_template.jinja (newer transformers save the default template there; it wins).
    /// </summary>
    public IReadOnlyDictionary<string, string> ChatTemplates { get; private init; } = new Dictionary<string, string>();

    /// <summary>config.json's model_type ("llama", "t5", "gpt2").</summary>
    public string? ModelType { get; private init; }

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
            UnkToken = Token(map, tokenizer, "unk_token"),
            AdditionalSpecialTokens = TokenList(map, tokenizer, "additional_special_tokens"),
            AddedTokensDecoder = AddedTokens(Property(tokenizer, "added_tokens_decoder")),
            CleanUpTokenizationSpaces = Property(tokenizer, "clean_up_tokenization_spaces") is { ValueKind: JsonValueKind.True or JsonValueKind.False } clean ? clean.GetBoolean() : null,
            AddEosToken = Property(tokenizer, "add_eos_token") is { ValueKind: JsonValueKind.True or JsonValueKind.False } addEos ? addEos.GetBoolean() : null,
            ChatTemplates = ChatTemplatesOf(Property(tokenizer, "chat_template"), dir),
            ExtraIds = Property(tokenizer, "extra_ids") is { ValueKind: JsonValueKind.Number } extra && extra.TryGetInt32(out var count) ? count : null,
            ModelType = Property(model, "model_type") is { ValueKind: JsonValueKind.String } type ? type.GetString() : null,
            ConfigBosId = TokenId(model, "bos_token_id"),
            ConfigEosId = TokenId(model, "eos_token_id"),
            ConfigPadId = TokenId(model, "pad_token_id"),
        };
    }

    /// <summary>
    /// Each id: the piece a config names, else config.json's id, else the tokenizer model's own. AddBos:
    /// add_bos_token, else the tokenizer class's default, else <paramref name="fromModel"/>'s AddBos when there
    /// is a BOS (a format passes true there for "add BOS whenever the model has one").
    /// </summary>
    public SpecialTokenIds Resolve(SpecialTokenIds fromModel, Func<string, int?> pieceToId, string dir)
    {
        var bos = Resolve(BosToken, ConfigBosId, fromModel.BosId, pieceToId);
        var eos = Resolve(EosToken, ConfigEosId, fromModel.EosId, pieceToId);
        var pad = Resolve(PadToken, ConfigPadId, fromModel.PadId, pieceToId);
        var addBos = AddBosToken ?? DefaultAddBos(TokenizerClass) ?? (fromModel.AddBos && bos is not null);
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
            "T5Tokenizer" or "GPT2Tokenizer" => false,
            _ => null,
        };

    /// <summary>
    /// Tokens the configs make special (bos/eos/pad/unk, additional_special_tokens) that the tokenizer knows, and
    /// added_tokens_decoder's entries: transformers cuts all of them out of the text before the model splits it.
    /// </summary>
    public IEnumerable<AddedToken> SpecialAddedTokens(Func<string, int?> tokenToId)
    {
        var named = new[] { BosToken.Content, EosToken.Content, PadToken.Content, UnkToken.Content }.Concat(AdditionalSpecialTokens);
        var known = named
            .Select(content => content is not null && tokenToId(content) is { } id ? new AddedToken(id, content, Special: true) : null)
            .OfType<AddedToken>();
        return AddedTokensDecoder.Concat(known);
    }

    private static Dictionary<string, string> ChatTemplatesOf(JsonElement? value, string dir)
    {
        var templates = new Dictionary<string, string>(StringComparer.Ordinal);
        if (value is { ValueKind: JsonValueKind.String } single)
        {
            templates["default"] = single.GetString()!;
        }
        else if (value is { ValueKind: JsonValueKind.Array } list)
        {
            foreach (var item in list.EnumerateArray())
            {
                if (Property(item, "name") is { ValueKind: JsonValueKind.String } name && Property(item, "template") is { ValueKind: JsonValueKind.String } template)
                {
                    templates[name.GetString()!] = template.GetString()!;
                }
            }
        }

        var jinja = Path.Combine(dir, ChatTemplateFile);
        if (File.Exists(jinja))
        {
            templates["default"] = File.ReadAllText(jinja);
        }

        return templates;
    }

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
}
