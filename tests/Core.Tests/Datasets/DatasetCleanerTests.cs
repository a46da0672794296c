using TuningService.Core.Datasets;
using TuningService.Core.Files;
using static TuningService.Core.Tests.Datasets.DatasetFiles;

namespace TuningService.Core.Tests.Datasets;

public sealed class DatasetCleanerTests
{
    static CleaningRuleReport Rule(CleaningResult result, string name) => Assert.Single(result.Report.Rules, r => r.Rule == name);

    static List<long> Positions(CleaningResult result) => [.. result.Records.Select(r => r.Position)];

    [Fact]
    public void Duplicates_are_dropped_keeping_the_first_and_reported_against_it()
    {
        DatasetRecord[] records =
        [
            PromptCompletion(1, "Review: a fine film . Sentiment:", " positive"),
            PromptCompletion(2, "Review: dull . Sentiment:", " negative"),
            PromptCompletion(3, "Review: a fine film . Sentiment:", " positive"),
            PromptCompletion(4, "review: A FINE film! sentiment:", " Positive"),
            PromptCompletion(5, "Review:  a fine film . Sentiment:", "  positive"), // identical once whitespace is normalised
        ];
        var result = DatasetCleaner.Clean(records, new CleaningOptions(), lengths: null);

        Assert.Equal([1L, 2L], Positions(result));
        var exact = Rule(result, "exact_duplicates");
        Assert.Equal((2, 2), (exact.Found, exact.Removed));
        Assert.Equal([3L, 5L], exact.Examples.Select(e => e.Position));
        Assert.All(exact.Examples, e => Assert.Equal("same as position 1", e.Detail));
        var nearly = Rule(result, "normalized_duplicates");
        Assert.Equal((1, 1), (nearly.Found, nearly.Removed));
        Assert.Equal(4, Assert.Single(nearly.Examples).Position);
        Assert.Equal((5, 2, 3), (result.Report.RecordsBefore, result.Report.RecordsAfter, result.Report.RecordsRemoved));
    }

    [Fact]
    public void Duplicates_are_still_counted_when_kept()
    {
        DatasetRecord[] records = [PromptCompletion(1, "p", " c"), PromptCompletion(2, "p", " c"), PromptCompletion(3, "P!", " C")];
        var result = DatasetCleaner.Clean(records, new CleaningOptions { DropDuplicates = false, DropNormalizedDuplicates = false }, null);

        Assert.Equal(3, result.Records.Count);
        Assert.Equal((1, 0), (Rule(result, "exact_duplicates").Found, Rule(result, "exact_duplicates").Removed));
        Assert.Equal((1, 0), (Rule(result, "normalized_duplicates").Found, Rule(result, "normalized_duplicates").Removed));
    }

    [Fact]
    public void Empty_fields_after_normalisation_drop_the_record()
    {
        DatasetRecord[] records =
        [
            PromptCompletion(1, "Question: why?", "   "),
            PromptCompletion(2, " \t ", " because"),
            Chat(3, new ChatMessage("user", "  "), new ChatMessage("assistant", "Hello")),
            PromptCompletion(4, "Question: why?", " because"),
        ];
        var result = DatasetCleaner.Clean(records, new CleaningOptions(), null);

        Assert.Equal([4L], Positions(result));
        var empty = Rule(result, "empty");
        Assert.Equal((3, 3), (empty.Found, empty.Removed));
        Assert.Equal(["the completion is empty", "the prompt is empty", "a user message is empty"], empty.Examples.Select(e => e.Detail));
    }

    [Fact]
    public void Conflicts_are_reported_and_kept_by_default()
    {
        DatasetRecord[] records =
        [
            PromptCompletion(1, "Concepts: ski, mountain. Sentence:", " A skier skis down a mountain."),
            PromptCompletion(2, "Capital of France?", " Paris"),
            PromptCompletion(3, "concepts: ski mountain sentence", " The mountain is good for skiing."),
            PromptCompletion(4, "Capital of Spain?", " Madrid"),
        ];
        var kept = DatasetCleaner.Clean(records, new CleaningOptions(), null);
        var conflicts = Rule(kept, "conflicts");
        Assert.Equal(4, kept.Records.Count);
        Assert.Equal((2, 0, 1), (conflicts.Found, conflicts.Removed, conflicts.Groups));
        Assert.Equal([1L, 3L], conflicts.Examples.Select(e => e.Position));

        var dropped = DatasetCleaner.Clean(records, new CleaningOptions { DropConflicts = true }, null);
        Assert.Equal([2L, 4L], Positions(dropped));
        Assert.Equal((2, 2), (Rule(dropped, "conflicts").Found, Rule(dropped, "conflicts").Removed));
    }

    [Fact]
    public void Normalisation_changes_are_counted_and_the_completion_keeps_its_space()
    {
        DatasetRecord[] records =
        [
            PromptCompletion(1, "Caf\u0065\u0301  review:", "   good  "),
            PromptCompletion(2, "Fine:", " yes"),
        ];
        var result = DatasetCleaner.Clean(records, new CleaningOptions(), null);

        Assert.Equal("Caf\u00e9 review:", result.Records[0].Fields["prompt"]);
        Assert.Equal(" good", result.Records[0].Fields["completion"]);
        Assert.Equal("Fine:", result.Records[1].Fields["prompt"]);
        var normalized = Rule(result, "normalized_text");
        Assert.Equal((1, 1, 0), (normalized.Found, normalized.Changed, normalized.Removed));
        Assert.Equal("Caf\u0065\u0301  review:", records[0].Fields["prompt"]); // the input record is not changed
    }

    [Fact]
    public void The_report_shows_at_most_the_requested_examples_but_counts_all()
    {
        var records = Enumerable.Range(1, 30).Select(i => PromptCompletion(i, "same prompt", " same answer")).ToList();
        var result = DatasetCleaner.Clean(records, new CleaningOptions { ReportExamples = 3 }, null);

        var exact = Rule(result, "exact_duplicates");
        Assert.Equal(29, exact.Removed);
        Assert.Equal([2L, 3L, 4L], exact.Examples.Select(e => e.Position));
        Assert.Equal(1, result.Report.RecordsAfter);
    }

    [Fact]
    public void Chat_records_keep_their_messages_ids_and_tasks()
    {
        var chat = Chat(1, new ChatMessage("system", " Be brief. "), new ChatMessage("user", "Hi"), new ChatMessage("assistant", "Hello!", 1))
            with { Id = "r1", Task = "greet" };
        var result = DatasetCleaner.Clean([chat], new CleaningOptions(), null);

        var kept = Assert.Single(result.Records);
        Assert.Equal(("r1", "greet"), (kept.Id, kept.Task));
        Assert.Equal(["Be brief.", "Hi", "Hello!"], kept.Messages!.Select(m => m.Content));
        Assert.Equal(1, kept.Messages![2].Weight);
    }

    [Fact]
    public void On_the_sst2_sample_nothing_is_removed()
    {
        // The sample is clean: 200 distinct reviews, no conflicts; a cleaner that removed any would be wrong.
        var result = DatasetCleaner.Clean(Read(Sst2Train), new CleaningOptions(), null);
        Assert.Equal((200, 200), (result.Report.RecordsBefore, result.Report.RecordsAfter));
        Assert.All(result.Records, r => Assert.StartsWith(" ", r.Fields["completion"]));
    }
}
