using System.Text.Json;
using TuningService.Core.Files;

namespace TuningService.Core.Templates;

/// <summary>
/// The template a job renders its records with, parsed from the job's `template` (stored as JSON):
/// <list type="bullet">
/// <item><c>"sentiment"</c>: a library template by name;</item>
/// <item><c>{"name": "sentiment", "fields": {"text": "sentence"}, "values": {...}}</c>: a library template whose
/// field <c>text</c> is read from the record's <c>sentence</c>, and whose <c>values</c> are the same for every record
/// (e.g. a translation's languages);</item>
/// <item><c>{"prompt": "Q: {question} A:", "completion": " {answer}"}</c>: the job's own template;</item>
/// <item><c>[{"prompt": ..., "completion": ...}, ...]</c>: the job's own phrasings, one chosen per record.</item>
/// </list>
/// </summary>
/// <param name="FieldMap">Template field → the record field it is read from.</param>
/// <param name="Values">Template field → a value used for every record.</param>
public sealed record JobTemplate(InstructionTemplate Template, IReadOnlyDictionary<string, string> FieldMap,
    IReadOnlyDictionary<string, string> Values)
{
    public const int MaxPhrasings = 32;

    static readonly Dictionary<string, string> None = [];

    /// <summary>How messages name the template: "template 'sentiment'" or "your template".</summary>
    public string Describe() => Template.Name == TemplateTasks.Custom ? "your template" : $"template '{Template.Name}'";

    /// <summary>
    /// Everything rendering depends on, for cache keys: the phrasings as resolved, not the job's JSON, so tokens cached
    /// under a library template are not reused after the library's wording changes.
    /// </summary>
    public string Fingerprint() => JsonSerializer.Serialize(new
    {
        Template.Name, Phrasings = Template.Phrasings.Select(p => new[] { p.Prompt.Text, p.Completion.Text }), FieldMap, Values,
    });

    /// <summary>The job's template, or null when it has none (records then get their format's default rendering).</summary>
    /// <exception cref="TemplateException">The JSON is not a template this service knows; the message says why.</exception>
    public static JobTemplate? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        using var document = JsonDocument.Parse(json);
        return Parse(document.RootElement);
    }

    /// <exception cref="TemplateException">The value is not a template this service knows; the message says why.</exception>
    public static JobTemplate? Parse(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => new JobTemplate(Library(value.GetString()!), None, None),
        JsonValueKind.Array => new JobTemplate(InstructionTemplate.Custom(Phrasings(value)), None, None),
        JsonValueKind.Object when value.TryGetProperty("name", out _) => NamedWithFields(value),
        JsonValueKind.Object => new JobTemplate(InstructionTemplate.Custom([Phrasing(value, "template")]), None, None),
        _ => throw new TemplateException("template must be a library template's name (GET /v1/templates), an object " +
            "{\"prompt\": \"...{field}...\", \"completion\": \" {field}\"}, or a list of such objects."),
    };

    static InstructionTemplate Library(string name) => TemplateLibrary.Find(name)
        ?? throw new TemplateException($"There is no template '{name}'. The library has: {string.Join(", ", TemplateLibrary.All.Select(t => t.Name))} " +
            "(GET /v1/templates); or give your own as {\"prompt\": \"...{field}...\", \"completion\": \" {field}\"}.");

    static JobTemplate NamedWithFields(JsonElement value)
    {
        RequireOnly(value, "template", "name", "fields", "values");
        var name = value.GetProperty("name");
        if (name.ValueKind != JsonValueKind.String) throw new TemplateException("template.name must be a string: a library template's name.");
        var template = Library(name.GetString()!);
        var map = StringMap(value, "fields", template);
        var values = StringMap(value, "values", template);
        if (map.Keys.FirstOrDefault(values.ContainsKey) is { } both)
            throw new TemplateException($"template: '{both}' is given both in fields (read from the record) and in values (the same for every record); give it once.");
        return new JobTemplate(template, map, values);
    }

    static Dictionary<string, string> StringMap(JsonElement value, string key, InstructionTemplate template)
    {
        if (!value.TryGetProperty(key, out var map) || map.ValueKind == JsonValueKind.Null) return [];
        if (map.ValueKind != JsonValueKind.Object) throw new TemplateException($"template.{key} must be an object of strings.");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in map.EnumerateObject())
        {
            if (!template.Fields.Contains(entry.Name))
                throw new TemplateException($"template.{key}: '{entry.Name}' is not a field of template '{template.Name}'; its fields are: {string.Join(", ", template.Fields)}.");
            if (entry.Value.ValueKind != JsonValueKind.String || (key == "fields" && string.IsNullOrWhiteSpace(entry.Value.GetString())))
                throw new TemplateException($"template.{key}.{entry.Name} must be a {(key == "fields" ? "record field's name" : "string")}.");
            result[entry.Name] = entry.Value.GetString()!;
        }
        return result;
    }

    static List<TemplatePhrasing> Phrasings(JsonElement list)
    {
        var count = list.GetArrayLength();
        if (count is 0 or > MaxPhrasings)
            throw new TemplateException($"template: a list of phrasings needs 1 to {MaxPhrasings} {{\"prompt\", \"completion\"}} objects, got {count}.");
        return [.. list.EnumerateArray().Select((p, i) => Phrasing(p, $"template[{i}]"))];
    }

    static TemplatePhrasing Phrasing(JsonElement value, string where)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new TemplateException($"{where} must be an object {{\"prompt\": \"...{{field}}...\", \"completion\": \" {{field}}\"}}.");
        RequireOnly(value, where, "prompt", "completion");
        var prompt = Text(value, where, "prompt");
        var completion = Text(value, where, "completion");
        if (completion.Length == 0) throw new TemplateException($"{where}.completion is empty: it is what the model learns to write, e.g. \" {{label}}\".");
        var phrasing = new TemplatePhrasing(ParseText(prompt, $"{where}.prompt"), ParseText(completion, $"{where}.completion"));
        if (phrasing.Placeholders.Count == 0)
            throw new TemplateException($"{where} uses no field: every record would become the same example. Put record fields in braces, e.g. \"Review: {{text}} Sentiment:\".");
        return phrasing;
    }

    static string Text(JsonElement value, string where, string key) =>
        value.TryGetProperty(key, out var text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()!
            : throw new TemplateException($"{where}.{key} is required and must be a string.");

    static PromptTemplate ParseText(string text, string where)
    {
        try
        {
            return PromptTemplate.Parse(text);
        }
        catch (FormatException e)
        {
            // PromptTemplate's messages start "template: "; say which text instead.
            throw new TemplateException($"{where}: {e.Message.Replace("template: ", "", StringComparison.Ordinal)}.");
        }
    }

    static void RequireOnly(JsonElement value, string where, params string[] keys)
    {
        foreach (var property in value.EnumerateObject())
            if (!keys.Contains(property.Name))
                throw new TemplateException($"{where}: unknown key '{property.Name}'; the keys are {string.Join(", ", keys)}.");
    }
}
