using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// Cleans a dataset's records into new ones; the source is never changed. The rules run in this order, each on
/// what the previous ones kept: normalise text, drop empty records, drop exact then normalised duplicates
/// (keeping the first), report (and optionally drop) conflicting duplicates, then hold examples to the model's
/// token limit. Every rule is counted in the report, with examples of what it matched.
/// </summary>
public static class DatasetCleaner
{
    /// <param name="lengths">Counts tokens for the length rule; null skips that rule.</param>
    public static CleaningResult Clean(IEnumerable<DatasetRecord> records, CleaningOptions options, ExampleTokenCounter? lengths)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(options);
        var shown = Math.Clamp(options.ReportExamples, 0, CleaningOptions.MaxReportExamples);
        var normalized = new CleaningRuleTally("normalized_text", shown);
        var empty = new CleaningRuleTally("empty", shown);
        var before = 0;
        var entries = new List<(DatasetRecord Record, TrainingExample Example)>();
        foreach (var original in records)
        {
            before++;
            var record = RecordNormalizer.Normalize(original, options);
            var example = RecordText.Render(record);
            if (RecordNormalizer.Differs(original, record))
                normalized.Changed(original.Position, example, $"was: {RecordText.Preview(RecordText.Render(original), 80)}");
            if (EmptyPart(record, example) is { } what)
            {
                if (options.DropEmpty)
                {
                    empty.Removed(record.Position, example, what);
                    continue;
                }
                empty.Kept(record.Position, example, what);
            }
            entries.Add((record, example));
        }

        var exact = new CleaningRuleTally("exact_duplicates", shown);
        var nearly = new CleaningRuleTally("normalized_duplicates", shown);
        entries = RemoveDuplicates(entries, options, exact, nearly);
        var conflicts = new CleaningRuleTally("conflicts", shown);
        (entries, var groups) = HandleConflicts(entries, options.DropConflicts, conflicts);
        var tooLong = new CleaningRuleTally("too_long", shown);
        if (lengths is not null) entries = HoldToLimit(entries, options.LongExamples, lengths, tooLong);

        CleaningRuleReport[] rules =
        [
            normalized.ToReport($"Records whose text changed under Unicode {options.Unicode.ToString().ToUpperInvariant()} and whitespace rules (trim: {Flag(options.TrimWhitespace)}, collapse: {Flag(options.CollapseWhitespace)}); kept, changed."),
            empty.ToReport($"Records with an empty completion, prompt or message after normalisation; {(options.DropEmpty ? "dropped" : "kept (drop_empty=false)")}."),
            exact.ToReport($"Records identical to an earlier one; {(options.DropDuplicates ? "dropped, the first kept" : "kept (drop_duplicates=false)")}."),
            nearly.ToReport($"Records equal to an earlier one ignoring case, whitespace and punctuation; {(options.DropNormalizedDuplicates ? "dropped, the first kept" : "kept (drop_normalized_duplicates=false)")}."),
            conflicts.ToReport($"Records whose prompt (ignoring case, whitespace and punctuation) also appears with a different completion; " +
                $"{(options.DropConflicts ? "every member of each group dropped" : "kept (set drop_conflicts to drop every member of each group)")}.", groups),
            tooLong.ToReport(lengths is null ? "Lengths not checked."
                : $"Examples over {lengths.MaxTokens} tokens as training frames them; {LongAction(options.LongExamples)}."),
        ];
        return new CleaningResult([.. entries.Select(e => e.Record)],
            new CleaningReport(before, entries.Count, null, lengths?.MaxTokens, options, rules));
    }

    /// <summary>What is empty in the record, or null. A prompt is required only where the format has one to give
    /// (prompt/completion and chat); other formats (plain text) may train on a completion alone.</summary>
    static string? EmptyPart(DatasetRecord record, TrainingExample example)
    {
        if (record.Messages?.FirstOrDefault(m => string.IsNullOrWhiteSpace(m.Content)) is { } message)
            return $"a {message.Role} message is empty";
        if (string.IsNullOrWhiteSpace(example.Completion)) return "the completion is empty";
        if (record.Format is FineTuneFormat.PromptCompletion && string.IsNullOrWhiteSpace(example.Prompt)) return "the prompt is empty";
        return null;
    }

    static List<(DatasetRecord Record, TrainingExample Example)> RemoveDuplicates(List<(DatasetRecord Record, TrainingExample Example)> entries,
        CleaningOptions options, CleaningRuleTally exact, CleaningRuleTally nearly)
    {
        var finder = new DuplicateFinder();
        var kept = new List<(DatasetRecord, TrainingExample)>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var (record, example) = entries[i];
            if (finder.Check(example, i) is not { } match)
            {
                kept.Add(entries[i]);
                continue;
            }
            var isExact = match.Kind == DuplicateKind.Exact;
            var tally = isExact ? exact : nearly;
            var detail = $"same as position {entries[match.FirstIndex].Record.Position}{(isExact ? "" : " ignoring case, whitespace and punctuation")}";
            if (isExact ? options.DropDuplicates : options.DropNormalizedDuplicates)
                tally.Removed(record.Position, example, detail);
            else
            {
                tally.Kept(record.Position, example, detail);
                kept.Add(entries[i]);
            }
        }
        return kept;
    }

    /// <summary>
    /// Groups records by normalised prompt; a group whose normalised completions differ is a conflict. A prompt that
    /// normalises to nothing (plain-text records have none) groups nothing.
    /// </summary>
    static (List<(DatasetRecord Record, TrainingExample Example)> Kept, int Groups) HandleConflicts(
        List<(DatasetRecord Record, TrainingExample Example)> entries, bool drop, CleaningRuleTally conflicts)
    {
        var conflicting = entries
            .Select((e, i) => (Prompt: DuplicateKeys.NormalizedText(e.Example.Prompt), Index: i))
            .Where(x => x.Prompt.Length > 0)
            .GroupBy(x => x.Prompt, x => x.Index, StringComparer.Ordinal)
            .Where(g => g.Select(i => DuplicateKeys.NormalizedText(entries[i].Example.Completion)).Distinct(StringComparer.Ordinal).Count() > 1)
            .ToList();
        var dropped = new HashSet<int>();
        foreach (var group in conflicting)
        {
            var first = entries[group.First()].Record.Position;
            foreach (var i in group)
            {
                var detail = $"{group.Count()} records share this prompt (first at position {first}) with different completions";
                if (drop)
                {
                    conflicts.Removed(entries[i].Record.Position, entries[i].Example, detail);
                    dropped.Add(i);
                }
                else conflicts.Kept(entries[i].Record.Position, entries[i].Example, detail);
            }
        }
        return ([.. entries.Where((_, i) => !dropped.Contains(i))], conflicting.Count);
    }

    static List<(DatasetRecord Record, TrainingExample Example)> HoldToLimit(List<(DatasetRecord Record, TrainingExample Example)> entries,
        LongExampleAction action, ExampleTokenCounter lengths, CleaningRuleTally tooLong)
    {
        var kept = new List<(DatasetRecord, TrainingExample)>(entries.Count);
        foreach (var (record, example) in entries)
        {
            var count = lengths.Count(example.Prompt, example.Completion);
            if (count <= lengths.MaxTokens)
            {
                kept.Add((record, example));
                continue;
            }
            var over = $"{count} tokens, over {lengths.MaxTokens}";
            switch (action)
            {
                case LongExampleAction.Keep:
                    tooLong.Kept(record.Position, example, $"{over}; kept");
                    kept.Add((record, example));
                    break;
                case LongExampleAction.Drop:
                    tooLong.Removed(record.Position, example, $"{over}; dropped");
                    break;
                default:
                    var (cut, how) = LongExampleTruncation.Truncate(record, lengths);
                    if (cut is null)
                        tooLong.Removed(record.Position, example, $"{over}; dropped: {how}");
                    else
                    {
                        var shortened = RecordText.Render(cut);
                        tooLong.Changed(record.Position, shortened,
                            $"{over}; {how}, now {lengths.Count(shortened.Prompt, shortened.Completion)} tokens");
                        kept.Add((cut, shortened));
                    }
                    break;
            }
        }
        return kept;
    }

    static string LongAction(LongExampleAction action) => action switch
    {
        LongExampleAction.Keep => "kept as they are (training will truncate them)",
        LongExampleAction.Drop => "dropped",
        _ => "the prompt's start cut (a chat's oldest turns removed) until they fit; dropped where the completion alone does not fit",
    };

    static string Flag(bool on) => on ? "on" : "off";
}
