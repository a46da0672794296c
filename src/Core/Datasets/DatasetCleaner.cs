using System.Runtime.InteropServices;
using TuningService.Core.Files;

namespace TuningService.Core.Datasets;

/// <summary>
/// Cleans a dataset's records into new ones; the source is never changed. The rules run in this order, each on
/// what the previous ones kept: normalise text, drop empty records, drop exact then normalised duplicates
/// (keeping the first), report (and optionally drop) conflicting duplicates, then hold examples to the model's
/// token limit. Every rule is counted in the report, with examples of what it matched.
/// </summary>
/// <remarks>
/// The records stream: they are read twice, one at a time, and kept ones are handed on as they are decided. The
/// first pass finds the conflicting prompts (a record's conflict depends on records after it); the second applies
/// every rule. What is held in between is bounded per record, not by its text: two 128-bit digests per distinct
/// example (<see cref="DuplicateFinder"/>, about 80 bytes with the dictionaries' overhead) and, during the first
/// pass, one entry per distinct normalised prompt (about 80 bytes); only conflicting prompts are kept for the second.
/// </remarks>
public static class DatasetCleaner
{
    /// <param name="lengths">Counts tokens for the length rule; null skips that rule.</param>
    public static CleaningResult Clean(IEnumerable<DatasetRecord> records, CleaningOptions options, ExampleTokenCounter? lengths)
    {
        ArgumentNullException.ThrowIfNull(records);
        IReadOnlyList<DatasetRecord> all = records as IReadOnlyList<DatasetRecord> ?? [.. records];
        var kept = new List<DatasetRecord>();
        var report = Clean(() => all, options, lengths, kept.Add);
        return new CleaningResult(kept, report);
    }

    /// <summary>Cleans the records <paramref name="read"/> gives, handing each kept record to <paramref name="keep"/> in order.</summary>
    /// <param name="read">Reads the records from the start; called twice, and must give the same records each time.</param>
    /// <param name="lengths">Counts tokens for the length rule; null skips that rule.</param>
    public static CleaningReport Clean(Func<IEnumerable<DatasetRecord>> read, CleaningOptions options, ExampleTokenCounter? lengths,
        Action<DatasetRecord> keep, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keep);
        var shown = Math.Clamp(options.ReportExamples, 0, CleaningOptions.MaxReportExamples);
        var conflicting = FindConflicts(read(), options, ct);

        var normalized = new CleaningRuleTally("normalized_text", shown);
        var empty = new CleaningRuleTally("empty", shown);
        var exact = new CleaningRuleTally("exact_duplicates", shown);
        var nearly = new CleaningRuleTally("normalized_duplicates", shown);
        var conflicts = new CleaningRuleTally("conflicts", shown);
        var tooLong = new CleaningRuleTally("too_long", shown);
        var after = 0;
        var before = ReadDistinct(read(), options, normalized, empty, exact, nearly, (record, example) =>
        {
            if (conflicting.Count > 0 && DuplicateKeys.NormalizedText(example.Prompt) is { Length: > 0 } prompt
                && conflicting.ContainsKey(TextPairHash.Of(prompt)))
            {
                ref var group = ref CollectionsMarshal.GetValueRefOrNullRef(conflicting, TextPairHash.Of(prompt));
                // Reported group by group (groups in order of their first record), as a whole-list pass meets them.
                var show = group.Offset + group.Seen++ < shown;
                var detail = $"{group.Members} records share this prompt (first at position {group.FirstPosition}) with different completions";
                if (options.DropConflicts)
                {
                    conflicts.Removed(record.Position, example, detail, show);
                    return;
                }
                conflicts.Kept(record.Position, example, detail, show);
            }
            if (lengths is not null)
            {
                if (HoldToLimit(record, example, options.LongExamples, lengths, tooLong) is not { } held) return;
                record = held;
            }
            after++;
            keep(record);
        }, ct);

        CleaningRuleReport[] rules =
        [
            normalized.ToReport($"Records whose text changed under Unicode {options.Unicode.ToString().ToUpperInvariant()} and whitespace rules (trim: {Flag(options.TrimWhitespace)}, collapse: {Flag(options.CollapseWhitespace)}); kept, changed."),
            empty.ToReport($"Records with an empty completion, prompt or message after normalisation; {(options.DropEmpty ? "dropped" : "kept (drop_empty=false)")}."),
            exact.ToReport($"Records identical to an earlier one; {(options.DropDuplicates ? "dropped, the first kept" : "kept (drop_duplicates=false)")}."),
            nearly.ToReport($"Records equal to an earlier one ignoring case, whitespace and punctuation; {(options.DropNormalizedDuplicates ? "dropped, the first kept" : "kept (drop_normalized_duplicates=false)")}."),
            conflicts.ToReport($"Records whose prompt (ignoring case, whitespace and punctuation) also appears with a different completion; " +
                $"{(options.DropConflicts ? "every member of each group dropped" : "kept (set drop_conflicts to drop every member of each group)")}.", conflicting.Count),
            tooLong.ToReport(lengths is null ? "Lengths not checked."
                : $"Examples over {lengths.MaxTokens} tokens as training frames them; {LongAction(options.LongExamples)}."),
        ];
        return new CleaningReport(before, after, null, lengths?.MaxTokens, options, rules);
    }

    /// <summary>
    /// The first three rules (normalise, empty, duplicates) over <paramref name="records"/>: each record they keep goes
    /// to <paramref name="distinct"/>, normalised and rendered. Returns how many records were read.
    /// </summary>
    static int ReadDistinct(IEnumerable<DatasetRecord> records, CleaningOptions options, CleaningRuleTally normalized, CleaningRuleTally empty,
        CleaningRuleTally exact, CleaningRuleTally nearly, Action<DatasetRecord, TrainingExample> distinct, CancellationToken ct)
    {
        var finder = new DuplicateFinder();
        var before = 0;
        foreach (var original in records)
        {
            ct.ThrowIfCancellationRequested();
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
            if (finder.Check(example, record.Position) is { } match)
            {
                var isExact = match.Kind == DuplicateKind.Exact;
                var tally = isExact ? exact : nearly;
                var detail = $"same as position {match.FirstIndex}{(isExact ? "" : " ignoring case, whitespace and punctuation")}";
                if (isExact ? options.DropDuplicates : options.DropNormalizedDuplicates)
                {
                    tally.Removed(record.Position, example, detail);
                    continue;
                }
                tally.Kept(record.Position, example, detail);
            }
            distinct(record, example);
        }
        return before;
    }

    /// <summary>
    /// The first pass: records grouped by normalised prompt; a group whose normalised completions differ is a conflict.
    /// A prompt that normalises to nothing (plain-text records have none) groups nothing. Returns the conflicting
    /// groups, each with the number of conflicting records in the groups before it (the order they are reported in).
    /// </summary>
    static Dictionary<UInt128, PromptGroup> FindConflicts(IEnumerable<DatasetRecord> records, CleaningOptions options, CancellationToken ct)
    {
        var groups = new Dictionary<UInt128, PromptGroup>();
        // The first pass reports nothing: its tallies show no examples and are dropped.
        ReadDistinct(records, options, new("", 0), new("", 0), new("", 0), new("", 0), (record, example) =>
        {
            var prompt = DuplicateKeys.NormalizedText(example.Prompt);
            if (prompt.Length == 0) return;
            var completion = TextPairHash.Of(DuplicateKeys.NormalizedText(example.Completion));
            ref var group = ref CollectionsMarshal.GetValueRefOrAddDefault(groups, TextPairHash.Of(prompt), out var exists);
            if (!exists)
            {
                group.FirstCompletion = completion;
                group.FirstPosition = record.Position;
                group.Order = groups.Count - 1;
            }
            else if (group.FirstCompletion != completion) group.Conflicting = true;
            group.Members++;
        }, ct);
        var conflicting = new Dictionary<UInt128, PromptGroup>();
        var offset = 0;
        foreach (var (key, group) in groups.Where(g => g.Value.Conflicting).OrderBy(g => g.Value.Order))
        {
            conflicting[key] = group with { Offset = offset };
            offset += group.Members;
        }
        return conflicting;
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

    /// <summary>The record as the length rule leaves it (itself, or cut to fit), or null when the rule drops it.</summary>
    static DatasetRecord? HoldToLimit(DatasetRecord record, TrainingExample example, LongExampleAction action, ExampleTokenCounter lengths,
        CleaningRuleTally tooLong)
    {
        var count = lengths.Count(example.Prompt, example.Completion);
        if (count <= lengths.MaxTokens) return record;
        var over = $"{count} tokens, over {lengths.MaxTokens}";
        switch (action)
        {
            case LongExampleAction.Keep:
                tooLong.Kept(record.Position, example, $"{over}; kept");
                return record;
            case LongExampleAction.Drop:
                tooLong.Removed(record.Position, example, $"{over}; dropped");
                return null;
            default:
                var (cut, how) = LongExampleTruncation.Truncate(record, lengths);
                if (cut is null)
                {
                    tooLong.Removed(record.Position, example, $"{over}; dropped: {how}");
                    return null;
                }
                var shortened = RecordText.Render(cut);
                tooLong.Changed(record.Position, shortened, $"{over}; {how}, now {lengths.Count(shortened.Prompt, shortened.Completion)} tokens");
                return cut;
        }
    }

    static string LongAction(LongExampleAction action) => action switch
    {
        LongExampleAction.Keep => "kept as they are (training will truncate them)",
        LongExampleAction.Drop => "dropped",
        _ => "the prompt's start cut (a chat's oldest turns removed) until they fit; dropped where the completion alone does not fit",
    };

    static string Flag(bool on) => on ? "on" : "off";
}
