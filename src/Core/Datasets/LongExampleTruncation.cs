using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>Shortens a record, in its own format, until its example fits the token limit (see <see cref="LongExampleAction.Truncate"/>).</summary>
public static class LongExampleTruncation
{
    /// <summary>The shortened record and what was cut; or a null record and why it cannot be shortened.</summary>
    public static (DatasetRecord? Record, string How) Truncate(DatasetRecord record, ExampleTokenCounter lengths)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(lengths);
        if (record.Format == FineTuneFormat.Chat && record.Messages is { } messages)
            return DropOldestTurns(record, messages, lengths);
        if (record.Format == FineTuneFormat.PromptCompletion && record.Fields.TryGetValue("prompt", out var prompt))
        {
            var completion = record.Fields["completion"];
            if (PromptCutter.CutToFit(prompt, completion, lengths.Fits) is not { } cut)
                return (null, "the completion alone does not fit");
            var fields = new Dictionary<string, string>(record.Fields, StringComparer.Ordinal) { ["prompt"] = cut };
            return (record with { Fields = fields }, $"{prompt.Length - cut.Length} characters cut from the prompt's start");
        }
        return (null, $"a {record.Format} record has no prompt field to cut");
    }

    /// <summary>Removes turns from the start of the conversation, one at a time, until the rendered example fits.</summary>
    static (DatasetRecord? Record, string How) DropOldestTurns(DatasetRecord record, IReadOnlyList<ChatMessage> messages, ExampleTokenCounter lengths)
    {
        var target = messages.Count - 1;
        while (target >= 0 && !messages[target].IsTrainable) target--;
        for (var dropped = 1; dropped <= target; dropped++)
        {
            var kept = messages.Skip(dropped).ToList();
            var example = PlainChatTemplate.Render(kept, record.Task);
            if (lengths.Fits(example.Prompt, example.Completion))
                return (record with { Messages = kept }, $"the oldest {dropped} message(s) removed");
        }
        return (null, "the last assistant message does not fit even alone");
    }
}
