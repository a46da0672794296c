using TuningService.Core.Files;
using TuningService.Core.Templates;

namespace TuningService.Core.Tests.Templates;

/// <summary>Dataset records and templates built by hand for template tests.</summary>
internal static class Records
{
    public static DatasetRecord Of(long position, params (string Key, string Value)[] fields) =>
        new(position, FineTuneFormat.PromptCompletion, fields.ToDictionary(f => f.Key, f => f.Value), null);

    public static DatasetRecord Chat(long position) =>
        new(position, FineTuneFormat.Chat, new Dictionary<string, string>(), [new ChatMessage("user", "Hi", null), new ChatMessage("assistant", "Hello", null)]);

    public static JobTemplate Template(string json) => JobTemplate.FromJson(json)!;

    /// <summary>SST-2-like records: text and label, three of each label so the labels form a label set.</summary>
    public static List<DatasetRecord> Sentiment() =>
    [
        Of(1, ("text", "a gorgeous film"), ("label", "positive")),
        Of(2, ("text", "it 's just filler"), ("label", "negative")),
        Of(3, ("text", "witty and warm"), ("label", "positive")),
        Of(4, ("text", "too much falls flat"), ("label", "negative")),
        Of(5, ("text", "a must-see"), ("label", "positive")),
        Of(6, ("text", "a pointless endeavor"), ("label", "negative")),
    ];
}
