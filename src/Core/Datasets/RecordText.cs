using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>The text of a record that cleaning and splitting compare, measure and show.</summary>
public static class RecordText
{
    /// <summary>
    /// The record as training renders it by default (<see cref="DatasetRecord.ToExample"/>). A format without a
    /// default rendering gives its field values, in order and joined by line breaks, as the completion, so that
    /// duplicate keys still see all of the record.
    /// </summary>
    public static TrainingExample Render(DatasetRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            return record.ToExample();
        }
        catch (NotSupportedException)
        {
            return new TrainingExample("", string.Join("\n", record.Fields.Values), record.Task);
        }
    }

    /// <summary>The example as the model reads it (prompt then completion), shortened to about <paramref name="maxLength"/>
    /// characters by keeping its start and its end (where the completion is).</summary>
    public static string Preview(TrainingExample example, int maxLength = 160)
    {
        ArgumentNullException.ThrowIfNull(example);
        var text = example.Prompt + example.Completion;
        if (text.Length <= maxLength) return text;
        const string Gap = " … ";
        var head = SafeCut(text, maxLength * 2 / 3);
        var tailLength = Math.Max(0, maxLength - head - Gap.Length);
        var tailStart = text.Length - tailLength;
        if (tailStart < text.Length && char.IsLowSurrogate(text[tailStart])) tailStart++;
        return string.Concat(text.AsSpan(0, head), Gap, text.AsSpan(tailStart));
    }

    /// <summary>A length at most <paramref name="length"/> that does not split a surrogate pair.</summary>
    static int SafeCut(string text, int length) =>
        length > 0 && length < text.Length && char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
}
