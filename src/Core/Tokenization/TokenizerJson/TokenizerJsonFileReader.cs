using System.Text;
using System.Text.Json;
using TuningService.Core.Tokenization.TokenizerJson.AddedTokens;
using TuningService.Core.Tokenization.TokenizerJson.Decoders;
using TuningService.Core.Tokenization.TokenizerJson.Models;
using TuningService.Core.Tokenization.TokenizerJson.Normalizers;
using TuningService.Core.Tokenization.TokenizerJson.PostProcessors;
using TuningService.Core.Tokenization.TokenizerJson.PreTokenizers;

namespace TuningService.Core.Tokenization.TokenizerJson;

/// <summary>
/// Reads a tokenizer.json into a <see cref="TokenizerJsonPipeline"/>, driven only by what the file says. Every step
/// type it does not implement is refused with NotSupportedException naming the step, its type and the file: a
/// skipped step would give the model ids it was never trained on.
/// </summary>
internal static class TokenizerJsonFileReader
{
    public static TokenizerJsonPipeline Read(string path)
    {
        using var document = Parse(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"'{path}' has no \"model\" object; it is not a tokenizer.json.");
        }

        var normalizers = new List<ITextNormalizer>();
        if (Step(root, "normalizer") is { } normalizer)
        {
            AddNormalizer(normalizer, normalizers, path);
        }

        var preTokenizers = new List<JsonElement>();
        if (Step(root, "pre_tokenizer") is { } preTokenizer)
        {
            FlattenPreTokenizers(preTokenizer, preTokenizers, path);
        }

        var steps = new List<IPreTokenizer>();
        var mapBytesBeforeModel = false;
        for (var i = 0; i < preTokenizers.Count; i++)
        {
            var isLast = i == preTokenizers.Count - 1;
            if (isLast && Type(preTokenizers[i]) == "ByteLevel")
            {
                mapBytesBeforeModel = true;
            }

            steps.Add(PreTokenizer(preTokenizers[i], mapBytes: !isLast, path));
        }

        var decoders = new List<ITokenDecoder>();
        if (Step(root, "decoder") is { } decoder)
        {
            AddDecoder(decoder, decoders, path);
        }

        var tokenModel = Model(model, path);
        var addedTokens = ReadAddedTokens(root, path);
        var postProcessor = Step(root, "post_processor") is { } processor ? PostProcessor(processor, tokenModel, addedTokens, path) : null;
        return new TokenizerJsonPipeline(path, addedTokens, normalizers, steps, mapBytesBeforeModel, tokenModel, decoders, postProcessor);
    }

    private static void AddNormalizer(JsonElement step, List<ITextNormalizer> normalizers, string path)
    {
        switch (Type(step))
        {
            case "Sequence":
                foreach (var inner in Array(step, "normalizers", path))
                {
                    AddNormalizer(inner, normalizers, path);
                }

                break;
            case "NFC": normalizers.Add(new UnicodeFormNormalizer(NormalizationForm.FormC)); break;
            case "NFD": normalizers.Add(new UnicodeFormNormalizer(NormalizationForm.FormD)); break;
            case "NFKC": normalizers.Add(new UnicodeFormNormalizer(NormalizationForm.FormKC)); break;
            case "NFKD": normalizers.Add(new UnicodeFormNormalizer(NormalizationForm.FormKD)); break;
            case "Lowercase": normalizers.Add(new LowercaseNormalizer()); break;
            case "StripAccents": normalizers.Add(new StripAccentsNormalizer()); break;
            case "Nmt": normalizers.Add(new NmtNormalizer()); break;
            case "Strip": normalizers.Add(new StripNormalizer(Flag(step, "strip_left") ?? true, Flag(step, "strip_right") ?? true)); break;
            case "Prepend": normalizers.Add(new PrependNormalizer(String(step, "prepend", path))); break;
            case "Replace": normalizers.Add(new ReplaceNormalizer(Pattern(step, path), String(step, "content", path))); break;
            case "Precompiled":
                var charsmap = OptionalString(step, "precompiled_charsmap") ?? "";
                normalizers.Add(new PrecompiledNormalizer(SentencePiece.PrecompiledCharsMap.FromBlob(Convert.FromBase64String(charsmap))));
                break;
            case "BertNormalizer":
                normalizers.Add(new BertNormalizer(
                    Flag(step, "clean_text") ?? true, Flag(step, "handle_chinese_chars") ?? true, Flag(step, "strip_accents"), Flag(step, "lowercase") ?? true));
                break;
            default:
                throw Unsupported("normalizer", step, path);
        }
    }

    private static void FlattenPreTokenizers(JsonElement step, List<JsonElement> steps, string path)
    {
        if (Type(step) == "BertPreTokenizer")
        {
            // tokenizers' BertPreTokenizer: split on whitespace (removed), then on punctuation (isolated).
            using var parts = JsonDocument.Parse("""[{"type": "WhitespaceSplit"}, {"type": "Punctuation", "behavior": "Isolated"}]""");
            steps.AddRange(parts.RootElement.EnumerateArray().Select(part => part.Clone()));
        }
        else if (Type(step) == "Sequence")
        {
            foreach (var inner in Array(step, "pretokenizers", path))
            {
                FlattenPreTokenizers(inner, steps, path);
            }
        }
        else
        {
            steps.Add(step);
        }
    }

    private static IPreTokenizer PreTokenizer(JsonElement step, bool mapBytes, string path)
    {
        switch (Type(step))
        {
            case "ByteLevel":
                return new ByteLevelPreTokenizer(Flag(step, "add_prefix_space") ?? true, Flag(step, "use_regex") ?? true, mapBytes, path);
            case "Split":
                return new SplitPreTokenizer(Pattern(step, path), Behavior(step, "behavior", path), Flag(step, "invert") ?? false);
            case "Metaspace":
                return new MetaspacePreTokenizer(Replacement(step, path), Prepend(step, path), Flag(step, "split") ?? true);
            case "Digits":
                return new SplitPreTokenizer(
                    new CharClassPattern(CharClassPattern.IsNumeric),
                    Flag(step, "individual_digits") ?? false ? SplitBehavior.Isolated : SplitBehavior.Contiguous,
                    invert: false);
            case "Punctuation":
                return new SplitPreTokenizer(new CharClassPattern(CharClassPattern.IsPunctuation), Behavior(step, "behavior", path, SplitBehavior.Isolated), invert: false);
            case "WhitespaceSplit":
                return new SplitPreTokenizer(new CharClassPattern(CharClassPattern.IsWhitespace), SplitBehavior.Removed, invert: false);
            case "Whitespace":
                // tokenizers: Regex \w+|[^\w\s]+, inverted, delimiters removed.
                return new SplitPreTokenizer(new CodePointRegex(@"\w+|[^\w\s]+", path), SplitBehavior.Removed, invert: true);
            case "CharDelimiterSplit":
                var delimiter = String(step, "delimiter", path);
                return delimiter.Length == 1
                    ? new SplitPreTokenizer(new LiteralPattern(delimiter, path), SplitBehavior.Removed, invert: false)
                    : throw new InvalidDataException($"'{path}': CharDelimiterSplit delimiter \"{delimiter}\" is not one character.");
            default:
                throw Unsupported("pre_tokenizer", step, path);
        }
    }

    private static ITokenModel Model(JsonElement model, string path)
    {
        var type = model.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : model.TryGetProperty("merges", out _) ? "BPE"
            : model.TryGetProperty("vocab", out var v) && v.ValueKind == JsonValueKind.Array ? "Unigram"
            : model.TryGetProperty("continuing_subword_prefix", out _) ? "WordPiece" : "WordLevel";
        switch (type)
        {
            case "BPE":
                return new BpeModel(
                    Vocabulary(model, path),
                    Merges(model, path),
                    OptionalString(model, "unk_token"),
                    OptionalString(model, "continuing_subword_prefix"),
                    OptionalString(model, "end_of_word_suffix"),
                    Flag(model, "fuse_unk") ?? false,
                    Flag(model, "byte_fallback") ?? false,
                    Flag(model, "ignore_merges") ?? false,
                    path);
            case "Unigram":
                var pieces = new List<(string, double)>();
                foreach (var entry in Array(model, "vocab", path))
                {
                    pieces.Add(entry.ValueKind == JsonValueKind.Array && entry.GetArrayLength() == 2 && entry[0].ValueKind == JsonValueKind.String && entry[1].ValueKind == JsonValueKind.Number
                        ? (entry[0].GetString()!, entry[1].GetDouble())
                        : throw new InvalidDataException($"'{path}': Unigram vocab entry {entry.GetRawText()} is not [piece, score]."));
                }

                var unkId = model.TryGetProperty("unk_id", out var unk) && unk.ValueKind == JsonValueKind.Number ? unk.GetInt32() : (int?)null;
                return new UnigramModel(pieces, unkId, Flag(model, "byte_fallback") ?? false, path);
            case "WordPiece":
                var wordPieceVocabulary = Vocabulary(model, path);
                var unkToken = OptionalString(model, "unk_token") ?? "[UNK]";
                return new WordPieceModel(
                    wordPieceVocabulary,
                    wordPieceVocabulary.TryGetValue(unkToken, out var wordPieceUnk) ? wordPieceUnk : throw new InvalidDataException($"'{path}': WordPiece unk_token {unkToken} is not in the vocabulary."),
                    OptionalString(model, "continuing_subword_prefix") ?? "##",
                    model.TryGetProperty("max_input_chars_per_word", out var max) && max.ValueKind == JsonValueKind.Number ? max.GetInt32() : 100);
            case "WordLevel":
                var wordLevelVocabulary = Vocabulary(model, path);
                var wordLevelUnk = OptionalString(model, "unk_token");
                return new WordLevelModel(wordLevelVocabulary, wordLevelUnk is not null && wordLevelVocabulary.TryGetValue(wordLevelUnk, out var id) ? id : null, path);
            default:
                throw new NotSupportedException($"'{path}': model {type} is not supported (BPE, Unigram, WordPiece and WordLevel are).");
        }
    }

    private static void AddDecoder(JsonElement step, List<ITokenDecoder> decoders, string path)
    {
        switch (Type(step))
        {
            case "Sequence":
                foreach (var inner in Array(step, "decoders", path))
                {
                    AddDecoder(inner, decoders, path);
                }

                break;
            case "ByteLevel": decoders.Add(new ByteLevelDecoder()); break;
            case "ByteFallback": decoders.Add(new ByteFallbackDecoder()); break;
            case "Fuse": decoders.Add(new FuseDecoder()); break;
            case "BPEDecoder": decoders.Add(new BpeSuffixDecoder(OptionalString(step, "suffix") ?? "</w>")); break;
            case "Replace": decoders.Add(new ReplaceDecoder(Pattern(step, path), String(step, "content", path))); break;
            case "Metaspace": decoders.Add(new MetaspaceDecoder(Replacement(step, path), Prepend(step, path))); break;
            case "WordPiece": decoders.Add(new WordPieceDecoder(OptionalString(step, "prefix") ?? "##", Flag(step, "cleanup") ?? true)); break;
            case "Strip":
                var content = String(step, "content", path);
                decoders.Add(content.Length == 1
                    ? new StripDecoder(content[0], Int(step, "start"), Int(step, "stop"))
                    : throw new InvalidDataException($"'{path}': Strip decoder content \"{content}\" is not one character."));
                break;
            default:
                throw Unsupported("decoder", step, path);
        }
    }

    private static IPostProcessor PostProcessor(JsonElement step, ITokenModel model, IReadOnlyList<AddedTokenRule> addedTokens, string path)
    {
        int TokenId(string token) =>
            addedTokens.FirstOrDefault(t => t.Content == token)?.Id
            ?? (model.Vocabulary.TryGetValue(token, out var id) ? id : throw new InvalidDataException($"'{path}': post-processor token {token} is not in the vocabulary."));

        // RobertaProcessing / BertProcessing: "sep": ["</s>", 2], "cls": ["<s>", 0].
        int[] Pair(string name) =>
            step.TryGetProperty(name, out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 && pair[1].TryGetInt32(out var id)
                ? [id]
                : throw new InvalidDataException($"'{path}': post_processor {Type(step)} has no \"{name}\": [token, id].");

        switch (Type(step))
        {
            case "ByteLevel":
                return new OffsetsOnlyProcessor();
            case "Sequence":
                return new SequenceProcessor([.. Array(step, "processors", path).Select(inner => PostProcessor(inner, model, addedTokens, path))]);
            case "TemplateProcessing":
                var specialTokens = step.TryGetProperty("special_tokens", out var map) && map.ValueKind == JsonValueKind.Object ? map : default;
                return new TemplateProcessor(Template(step, "single", specialTokens, TokenId, path), Template(step, "pair", specialTokens, TokenId, path));
            case "RobertaProcessing":
            {
                var (cls, sep) = (Pair("cls"), Pair("sep"));
                return new TemplateProcessor(
                    [new TemplatePiece(cls, 0), new TemplatePiece(null, 0), new TemplatePiece(sep, 0)],
                    [new TemplatePiece(cls, 0), new TemplatePiece(null, 0), new TemplatePiece(sep, 0), new TemplatePiece(sep, 0), new TemplatePiece(null, 1), new TemplatePiece(sep, 0)]);
            }

            case "BertProcessing":
            {
                var (cls, sep) = (Pair("cls"), Pair("sep"));
                return new TemplateProcessor(
                    [new TemplatePiece(cls, 0), new TemplatePiece(null, 0), new TemplatePiece(sep, 0)],
                    [new TemplatePiece(cls, 0), new TemplatePiece(null, 0), new TemplatePiece(sep, 0), new TemplatePiece(null, 1), new TemplatePiece(sep, 0)]);
            }

            default:
                throw Unsupported("post_processor", step, path);
        }
    }

    private static List<TemplatePiece> Template(JsonElement step, string name, JsonElement specialTokens, Func<string, int> tokenId, string path)
    {
        var pieces = new List<TemplatePiece>();
        if (!step.TryGetProperty(name, out var template) || template.ValueKind != JsonValueKind.Array)
        {
            return pieces;
        }

        foreach (var item in template.EnumerateArray())
        {
            if (item.TryGetProperty("SpecialToken", out var special) && special.TryGetProperty("id", out var id) && id.GetString() is { } token)
            {
                // The special_tokens entry lists the ids; a template may name a token it does not list, then the vocabulary's id.
                var ids = specialTokens.ValueKind == JsonValueKind.Object && specialTokens.TryGetProperty(token, out var entry) && entry.TryGetProperty("ids", out var list)
                    ? list.EnumerateArray().Select(value => value.GetInt32()).ToArray()
                    : [tokenId(token)];
                pieces.Add(new TemplatePiece(ids, 0));
            }
            else if (item.TryGetProperty("Sequence", out var sequence) && sequence.TryGetProperty("id", out var which))
            {
                pieces.Add(new TemplatePiece(null, which.GetString() == "B" ? 1 : 0));
            }
            else
            {
                throw new InvalidDataException($"'{path}': TemplateProcessing {name} item {item.GetRawText()} is neither SpecialToken nor Sequence.");
            }
        }

        return pieces;
    }

    private static List<AddedTokenRule> ReadAddedTokens(JsonElement root, string path)
    {
        var added = new List<AddedTokenRule>();
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

            var special = Flag(token, "special") ?? false;
            added.Add(new AddedTokenRule(
                value, text, special, Flag(token, "single_word") ?? false, Flag(token, "lstrip") ?? false, Flag(token, "rstrip") ?? false,
                Flag(token, "normalized") ?? !special));
        }

        return added;
    }

    private static Dictionary<string, int> Vocabulary(JsonElement model, string path)
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

    /// <summary>Merges as "a b" strings or as [a, b] pairs (newer files).</summary>
    private static List<(string, string)> Merges(JsonElement model, string path)
    {
        var merges = new List<(string, string)>();
        foreach (var merge in Array(model, "merges", path))
        {
            merges.Add(merge switch
            {
                { ValueKind: JsonValueKind.String } s when s.GetString()!.Split(' ') is [var a, var b] => (a, b),
                { ValueKind: JsonValueKind.Array } a when a.GetArrayLength() == 2 && a[0].ValueKind == JsonValueKind.String && a[1].ValueKind == JsonValueKind.String
                    => (a[0].GetString()!, a[1].GetString()!),
                _ => throw new InvalidDataException($"'{path}': merge {merges.Count} ({merge.GetRawText()}) is not two tokens."),
            });
        }

        return merges;
    }

    private static ITextPattern Pattern(JsonElement step, string path)
    {
        if (step.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object)
        {
            if (pattern.TryGetProperty("String", out var literal) && literal.ValueKind == JsonValueKind.String)
            {
                return new LiteralPattern(literal.GetString()!, path);
            }

            if (pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String)
            {
                return new CodePointRegex(regex.GetString()!, path);
            }
        }

        throw new InvalidDataException($"'{path}': {Type(step)} has no pattern {{\"String\": ...}} or {{\"Regex\": ...}}.");
    }

    private static SplitBehavior Behavior(JsonElement step, string name, string path, SplitBehavior? fallback = null)
    {
        var value = OptionalString(step, name);
        if (value is null && fallback is { } given)
        {
            return given;
        }

        return Enum.TryParse<SplitBehavior>(value, ignoreCase: false, out var behavior)
            ? behavior
            : throw new NotSupportedException($"'{path}': {Type(step)} behavior {value ?? "none"} is not supported.");
    }

    private static char Replacement(JsonElement step, string path)
    {
        var replacement = OptionalString(step, "replacement") ?? "\u2581";
        return replacement.Length == 1 ? replacement[0] : throw new NotSupportedException($"'{path}': Metaspace replacement \"{replacement}\" is not one UTF-16 character.");
    }

    /// <summary>prepend_scheme, or the older add_prefix_space (true: always).</summary>
    private static PrependScheme Prepend(JsonElement step, string path) =>
        OptionalString(step, "prepend_scheme") switch
        {
            "always" => PrependScheme.Always,
            "first" => PrependScheme.First,
            "never" => PrependScheme.Never,
            null => Flag(step, "add_prefix_space") ?? true ? PrependScheme.Always : PrependScheme.Never,
            var other => throw new NotSupportedException($"'{path}': Metaspace prepend_scheme {other} is not supported."),
        };

    private static NotSupportedException Unsupported(string kind, JsonElement step, string path) =>
        new($"'{path}': {kind} {Type(step) ?? step.GetRawText()} is not supported.");

    private static JsonElement? Step(JsonElement root, string name) =>
        root.TryGetProperty(name, out var step) && step.ValueKind == JsonValueKind.Object ? step : null;

    private static string? Type(JsonElement step) =>
        step.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;

    private static IEnumerable<JsonElement> Array(JsonElement step, string name, string path) =>
        step.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : throw new InvalidDataException($"'{path}': {Type(step)} has no \"{name}\" list.");

    private static bool? Flag(JsonElement step, string name) =>
        step.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : null;

    private static int Int(JsonElement step, string name) =>
        step.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : 0;

    private static string? OptionalString(JsonElement step, string name) =>
        step.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string String(JsonElement step, string name, string path) =>
        OptionalString(step, name) ?? throw new InvalidDataException($"'{path}': {Type(step)} has no \"{name}\" string.");

    private static JsonDocument Parse(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }
}
