using TuningService.Core.Datasets;
using TuningService.Core.Files;
using TuningService.Core.Persistence;

namespace TuningService.Core.Templates;

/// <summary>
/// Renders one file's records through a job's template: each record gets the phrasing <see cref="PhrasingChoice"/>
/// picks for the job's seed and the record's position, filled from its fields.
/// </summary>
/// <remarks>
/// A field is read, in this order, from the template's <c>values</c>, from the record field <c>fields</c> maps it
/// to, from the record field of the same name, and, for <c>{options}</c> alone, from the file: the distinct values
/// of its <c>label</c> field, sorted and joined by ", ", when they look like a label set
/// (<see cref="ClassificationLabels"/>, the rule splitting and evaluation use too).
/// A record field's surrounding whitespace is dropped: the template owns the spacing, so " {label}" gives
/// " positive" from a completion written " positive" as well as from a label "positive".
/// </remarks>
public sealed class TemplateRenderer
{
    public const string OptionsField = "options", LabelField = "label";

    readonly JobTemplate template;

    TemplateRenderer(JobTemplate template, string? fileOptions)
    {
        this.template = template;
        FileOptions = fileOptions;
    }

    /// <summary>{options} for records without an options field: the file's labels joined by ", "; null when there is none.</summary>
    public string? FileOptions { get; }

    /// <summary>Whether <paramref name="template"/> takes {options} from the file's labels, so that <see cref="For"/> reads every record.</summary>
    public static bool ReadsFileLabels(JobTemplate template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return template.Template.Fields.Contains(OptionsField) && !template.Values.ContainsKey(OptionsField) && !template.FieldMap.ContainsKey(OptionsField);
    }

    /// <param name="records">All of the file's records: {options} comes from all their labels. Enumerated only when the
    /// template needs them (<see cref="ReadsFileLabels"/>), once, keeping no more than <see cref="LabelTally"/> does.</param>
    public static TemplateRenderer For(JobTemplate template, IEnumerable<DatasetRecord> records)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(records);
        if (!ReadsFileLabels(template)) return new TemplateRenderer(template, null);
        var probe = new TemplateRenderer(template, null);
        var labels = new LabelTally();
        foreach (var record in records)
        {
            // A record without a label, or more labels than a label set has: the file gives no {options}.
            if (probe.Field(record, LabelField) is not { } label) return new TemplateRenderer(template, null);
            labels.Add(label);
            if (labels.Overflowed) return new TemplateRenderer(template, null);
        }
        return new TemplateRenderer(template, labels.Labels is { } set ? string.Join(", ", set) : null);
    }

    /// <summary>The records of a stored file as training examples: through <paramref name="template"/>, or under each
    /// format's default rendering when it is null. This is what a job trains on.</summary>
    /// <exception cref="InvalidDataException">A record cannot be rendered; the message names it and says why.</exception>
    public static IReadOnlyList<TrainingExample> ReadExamples(string path, StoredFile file, JobTemplate? template, int seed,
        IChatExampleRenderer? chat = null)
    {
        if (template is null) return DatasetReader.ReadExamples(path, file, chat);
        var records = DatasetReader.Read(path, file).ToList();
        var renderer = For(template, records);
        return [.. records.Select(r => renderer.Problem(r) is { } problem
            ? throw new InvalidDataException($"{Locate(file, r)} of {file.Filename}: {problem}")
            : renderer.Apply(r, seed))];
    }

    /// <summary>"line 3", "element 3" or "row 3", as the file's container counts its records.</summary>
    public static string Locate(StoredFile file, DatasetRecord record) => file.Container switch
    {
        "json" => "element", "csv" or "tsv" => "row", _ => "line",
    } + $" {record.Position}";

    /// <summary>Why <paramref name="record"/> cannot be rendered, or null when it can.</summary>
    public string? Problem(DatasetRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.Format == FineTuneFormat.Chat)
            return "chat records cannot be templated: they are rendered from their messages. Leave template out for chat files, " +
                   "or use records with fields (prompt/completion, instruction/input/output, CSV columns).";
        if (record.Format == FineTuneFormat.Preference)
            return "preference records cannot be templated: their prompt is rendered from the input messages. Leave template out for preference files.";
        var missing = template.Template.Fields.FirstOrDefault(f => Field(record, f) is null);
        if (missing is null) return null;
        var has = $"the record's fields are: {string.Join(", ", record.Fields.Keys.Order(StringComparer.Ordinal))}";
        if (template.FieldMap.TryGetValue(missing, out var mapped))
            return $"{template.Describe()} reads '{missing}' from the field '{mapped}', which the record does not have; {has}.";
        if (missing == OptionsField)
            return $"{template.Describe()} needs '{OptionsField}': the record has no such field and the file's '{LabelField}' values do not look " +
                   $"like a label set (2 to {ClassificationLabels.MaxLabels} labels, each used 3 times on average); add an '{OptionsField}' field or give it in values.";
        return template.Template.Name == TemplateTasks.Custom
            ? $"{template.Describe()} uses {{{missing}}}, which the record does not have; {has}."
            : $"{template.Describe()} needs the field '{missing}', which the record does not have; {has}. Map it with " +
              $"{{\"name\": \"{template.Template.Name}\", \"fields\": {{\"{missing}\": \"<a field of the record>\"}}}}.";
    }

    /// <summary>Which of the template's phrasings <paramref name="record"/> gets under <paramref name="seed"/>.</summary>
    public int PhrasingIndex(DatasetRecord record, int seed) => PhrasingChoice.Index(seed, record.Position, template.Template.Phrasings.Count);

    /// <exception cref="InvalidDataException">The record cannot be rendered (see <see cref="Problem"/>).</exception>
    public TrainingExample Apply(DatasetRecord record, int seed)
    {
        if (Problem(record) is { } problem) throw new InvalidDataException($"record {record.Position}: {problem}");
        var fields = template.Template.Fields.ToDictionary(f => f, f => Field(record, f)!, StringComparer.Ordinal);
        var phrasing = template.Template.Phrasings[PhrasingIndex(record, seed)];
        return new TrainingExample(phrasing.Prompt.Render(fields), phrasing.Completion.Render(fields), record.Task);
    }

    string? Field(DatasetRecord record, string name)
    {
        if (template.Values.TryGetValue(name, out var value)) return value;
        if (template.FieldMap.TryGetValue(name, out var mapped)) return record.Fields.TryGetValue(mapped, out var m) ? m.Trim() : null;
        if (record.Fields.TryGetValue(name, out var own)) return own.Trim();
        return name == OptionsField ? FileOptions : null;
    }
}
