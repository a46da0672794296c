using System.Text.Json.Nodes;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Core.ChatFormatting;

/// <summary>
/// Picks a model's <see cref="ChatFormat"/>: the template a job or request names (a Jinja source, or a built-in name),
/// else the model folder's own (tokenizer_config.json's chat_template, or chat_template.jinja), else the plain layout,
/// which is only the last fallback.
/// </summary>
public static class ChatFormats
{
    /// <param name="modelDirectory">The model folder (its tokenizer files, config.json and generation_config.json).</param>
    /// <param name="requested">A job's <c>chat_template</c>: null for the model's own, a name from <see cref="BuiltInChatTemplates.Names"/>, or a Jinja source.</param>
    /// <exception cref="ChatTemplateException">The requested or shipped template does not parse; the message says where.</exception>
    public static ChatFormat For(string modelDirectory, ITextTokenizer tokenizer, string? requested = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelDirectory);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var config = TokenizerLoader.ReadFolderConfig(modelDirectory);
        var specialTokens = new Dictionary<string, string?>
        {
            ["bos_token"] = config.BosToken, ["eos_token"] = config.EosToken, ["unk_token"] = config.UnkToken, ["pad_token"] = config.PadToken,
        };
        var (name, description, source) = Choose(config, requested);
        var template = source is null ? null : Parse(source, description);
        var endOfTurn = BuiltInChatTemplates.EndOfTurn(name);

        var stopIds = new List<int>();
        void AddStop(int? id) { if (id is int i && i >= 0 && !stopIds.Contains(i)) stopIds.Add(i); }
        foreach (var id in GenerationEosIds(modelDirectory)) AddStop(id);
        AddStop(tokenizer.EosId);
        if (config.EosToken is { } eosText) AddStop(TryTokenToId(tokenizer, eosText));
        var endOfTurnId = endOfTurn is null ? null : TryTokenToId(tokenizer, endOfTurn);
        AddStop(endOfTurnId);
        // Only with a template: the plain layout ends answers with the tokenizer's EOS, as it always has.
        if (template is not null)
            foreach (var marker in EndOfTurnMarkers.Known)
                if (TryTokenToId(tokenizer, marker) is { } markerId && IsSpecial(tokenizer, markerId)) AddStop(markerId);

        var endOfTurnTexts = stopIds.Select(id => TryIdToToken(tokenizer, id)).Append(config.EosToken).Append(endOfTurn)
            .OfType<string>().Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyList<string> stopTexts = endOfTurn is not null && endOfTurnId is null ? [endOfTurn] : [];
        return new ChatFormat(name, description, template, specialTokens, stopIds, stopTexts, endOfTurnTexts);
    }

    /// <summary>Checks a job's <c>chat_template</c> before the job is created: a known name, or a Jinja source that parses.</summary>
    /// <exception cref="ChatTemplateException">It does not parse; the message says where.</exception>
    public static void Check(string requested)
    {
        ArgumentNullException.ThrowIfNull(requested);
        if (IsName(requested)) return;
        RequireTemplateSource(requested);
        Parse(requested, "the job's chat_template");
    }

    static (string Name, string Description, string? Source) Choose(TokenizerFolderConfig config, string? requested)
    {
        if (requested is not null)
        {
            if (requested == BuiltInChatTemplates.Plain) return ("plain", "the plain layout (System: … User: … Assistant:), as the job asked", null);
            if (BuiltInChatTemplates.Source(requested) is { } builtIn) return (requested, $"the built-in '{requested}' template, as the job asked", builtIn);
            RequireTemplateSource(requested);
            return ("job", "the job's own chat_template", requested);
        }
        if (!string.IsNullOrEmpty(config.ChatTemplate)) return ("model", "the model's own chat template (from its tokenizer files)", config.ChatTemplate);
        return ("plain", "the plain layout (System: … User: … Assistant:): the model ships no chat template", null);
    }

    /// <summary>A request names a built-in when it is one of the names (a template source always holds a Jinja tag).</summary>
    static bool IsName(string requested) => BuiltInChatTemplates.Names.Contains(requested, StringComparer.Ordinal);

    /// <summary>A string with no Jinja tag would render as itself for every conversation: most likely a misspelt name.</summary>
    static void RequireTemplateSource(string requested)
    {
        if (!requested.Contains("{{", StringComparison.Ordinal) && !requested.Contains("{%", StringComparison.Ordinal))
            throw new ChatTemplateException(
                $"chat_template '{(requested.Length > 40 ? requested[..40] + "…" : requested)}' is neither a built-in name " +
                $"({string.Join(", ", BuiltInChatTemplates.Names)}) nor a Jinja template (it has no {{{{ … }}}} or {{% … %}}).", ChatTemplateErrorKind.Syntax);
    }

    static ChatTemplate Parse(string source, string description)
    {
        try
        {
            return ChatTemplate.Parse(source);
        }
        catch (ChatTemplateException e)
        {
            throw new ChatTemplateException($"{char.ToUpperInvariant(description[0])}{description[1..]} cannot be used: {e.Message}", e.Kind, e.Line, e.Column);
        }
    }

    /// <summary>generation_config.json's eos_token_id (one id or a list: Llama 3 instruct ends turns with &lt;|eot_id|&gt; and text with &lt;|end_of_text|&gt;), else config.json's.</summary>
    static IReadOnlyList<int> GenerationEosIds(string modelDirectory)
    {
        foreach (var file in new[] { "generation_config.json", "config.json" })
        {
            var path = Path.Combine(modelDirectory, file);
            if (!File.Exists(path)) continue;
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject json && ConfigJson.IntOrIntList(json, "eos_token_id") is { Count: > 0 } ids) return ids;
        }
        return [];
    }

    // Tokenizers without token strings (the shipped character-level model's) have no ids to look up: nothing to add.
    static int? TryTokenToId(ITextTokenizer tokenizer, string token)
    {
        try { return tokenizer.TokenToId(token); }
        catch (NotSupportedException) { return null; }
    }

    /// <summary>A marker counts only as a token the tokenizer treats as special (a vocabulary piece spelled "&lt;/s&gt;" in a byte-level BPE is not one).</summary>
    static bool IsSpecial(ITextTokenizer tokenizer, int id)
    {
        var text = TryIdToToken(tokenizer, id);
        return text is not null && tokenizer.Decode([id], skipSpecialTokens: true).Length == 0;
    }

    static string? TryIdToToken(ITextTokenizer tokenizer, int id)
    {
        try { return tokenizer.IdToToken(id); }
        catch (NotSupportedException) { return null; }
    }
}
