using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>Applies <see cref="FieldNormalizer"/> to every text of a record: its fields and its messages' contents.</summary>
public static class RecordNormalizer
{
    /// <summary>
    /// The record with its texts normalised. A "prompt" field's end and a "completion" field's start are seams
    /// (see <see cref="FieldNormalizer"/>); message contents are not, because the chat rendering adds its own
    /// separators. Ids, tasks and roles are names, not text, and are left alone.
    /// </summary>
    public static DatasetRecord Normalize(DatasetRecord record, CleaningOptions options)
    {
        ArgumentNullException.ThrowIfNull(record);
        var fields = new Dictionary<string, string>(record.Fields.Count, StringComparer.Ordinal);
        foreach (var (key, value) in record.Fields)
            fields[key] = FieldNormalizer.Normalize(value, options, seamAtStart: key == "completion", seamAtEnd: key == "prompt");
        var messages = record.Messages?.Select(m => m with { Content = FieldNormalizer.Normalize(m.Content, options) }).ToList();
        return record with { Fields = fields, Messages = messages };
    }

    /// <summary>Whether normalising changed any text of the record.</summary>
    public static bool Differs(DatasetRecord original, DatasetRecord normalized)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(normalized);
        if (original.Fields.Any(f => !string.Equals(f.Value, normalized.Fields[f.Key], StringComparison.Ordinal))) return true;
        return original.Messages is { } messages
            && messages.Where((m, i) => !string.Equals(m.Content, normalized.Messages![i].Content, StringComparison.Ordinal)).Any();
    }
}
