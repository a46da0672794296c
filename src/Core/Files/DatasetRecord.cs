namespace TuningService.Core.Files;

/// <summary>
/// One record of a dataset file as its format gives it, before any template: the unit that cleaning, splitting,
/// statistics, previews and training all read. <see cref="DatasetReader"/> produces these for every format.
/// </summary>
/// <param name="Position">Where the record is, for messages, 1-based: its line (JSONL), element (JSON array) or row
/// (CSV/TSV, counting the header as row 1, so the first record is row 2, as a spreadsheet shows it).</param>
/// <param name="Format">The record's schema. CSV/TSV rows are mapped to <see cref="FineTuneFormat.PromptCompletion"/> by the file's read options.</param>
/// <param name="Fields">The record's string fields by key: prompt/completion, instruction/input/output (input is ""
/// when the record has none), text, preferred/non_preferred (preference), or a row's columns plus the mapped prompt/completion. Empty for chat records.</param>
/// <param name="Messages">The messages of a chat record, or a preference record's input messages; null otherwise.</param>
/// <param name="Id">The record's optional 'id'.</param>
/// <param name="Task">The record's optional 'task' (multi-task data).</param>
public sealed record DatasetRecord(
    long Position,
    FineTuneFormat Format,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyList<ChatMessage>? Messages,
    string? Id = null,
    string? Task = null)
{
    /// <summary>The record as a training example under the format's default rendering (no user template):
    /// <see cref="PlainChatTemplate"/> for chat (or the model's chat template, <paramref name="chat"/>, when given),
    /// <see cref="AlpacaTemplate"/> for Alpaca, and for text an empty prompt with the whole text as the completion
    /// (language modelling: every token of the text is learned).</summary>
    public TrainingExample ToExample(IChatExampleRenderer? chat = null) => Format switch
    {
        FineTuneFormat.Chat => chat?.Render(Messages!, Task) ?? PlainChatTemplate.Render(Messages!, Task),
        FineTuneFormat.PromptCompletion => new TrainingExample(Fields["prompt"], Fields["completion"], Task),
        FineTuneFormat.Alpaca => AlpacaTemplate.Render(Fields["instruction"], Fields.GetValueOrDefault("input"), Fields["output"], Task),
        FineTuneFormat.Text => new TrainingExample("", Fields["text"], Task),
        FineTuneFormat.Preference => chat?.RenderPreference(Messages!, Fields[PreferenceTemplate.PreferredField], Fields[PreferenceTemplate.NonPreferredField], Task) ?? PreferenceTemplate.Render(Messages!, Fields[PreferenceTemplate.PreferredField], Fields[PreferenceTemplate.NonPreferredField], Task),
        _ => throw new NotSupportedException($"No default rendering for {Format} records."),
    };
}
