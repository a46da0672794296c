using TuningService.Core.Datasets.Statistics;
using TuningService.Core.Files;
using TuningService.Core.Tests.Training;

namespace TuningService.Core.Tests.Datasets.Statistics;

/// <summary>
/// Counts on tiny inputs with the character tokenizer, where every character is one token: the expected numbers are
/// worked out here from string lengths ([BOS] + prompt, completion + EOS), independently of the code under test.
/// </summary>
public sealed class DatasetStatisticsTests
{
    static DatasetRecord Record(string prompt, string completion, string? task = null, long position = 1) =>
        new(position, FineTuneFormat.PromptCompletion, new Dictionary<string, string> { ["prompt"] = prompt, ["completion"] = completion }, null, Task: task);

    [Fact]
    public void Counts_prompt_and_completion_tokens_as_training_frames_them_with_bos_and_eos()
    {
        var framing = new TrainingFraming(new CharacterTokenizer(addBos: true), isEncoderDecoder: false, modelContext: 16, maxSeqLength: 8);
        DatasetRecord[] records = [Record("ab", "c", "t1"), Record("abcdef", "gh"), Record("", "xyz", "t1")];

        var stats = DatasetStatistics.Compute(records, framing, "mine");

        // Prompts: 1 + 2, 1 + 6, 1 + 0. Completions: 1 + 1, 2 + 1, 3 + 1.
        Assert.Equal(3, stats.RecordCount);
        Assert.Equal(8, stats.MaxSeqLength);
        Assert.Equal(16, stats.ModelContext);
        AssertSummary(stats.PromptTokens, records: 3, total: 11, min: 1, max: 7, mean: 11 / 3.0, p50: 3, p90: 3 + (0.8 * 4));
        AssertSummary(stats.CompletionTokens, records: 3, total: 9, min: 2, max: 4, mean: 3, p50: 3, p90: 3 + (0.8 * 1));
        // Whole sequences 5, 10, 5: only the 10 exceeds 8.
        AssertSummary(stats.SequenceTokens, records: 3, total: 20, min: 5, max: 10, mean: 20 / 3.0, p50: 5, p90: 5 + (0.8 * 5));
        Assert.Equal(1, stats.TruncatedCount);
        // Trained: 5 + 8 (cut to the limit) + 5. Loss on completion + EOS: 2 + 3 (all of "gh" + EOS still fits) + 4.
        Assert.Equal(18, stats.TrainingTokens);
        Assert.Equal(9, stats.LossTokens);
    }

    [Fact]
    public void Without_bos_the_prompt_is_its_characters_only()
    {
        var framing = new TrainingFraming(new CharacterTokenizer(addBos: false), isEncoderDecoder: false, modelContext: 64);

        var stats = DatasetStatistics.Compute([Record("hello", " world")], framing, "mine");

        Assert.Equal(5, stats.PromptTokens!.Max);
        Assert.Equal(7, stats.CompletionTokens!.Max);
        Assert.Equal(12, stats.TrainingTokens);
        Assert.Equal(64, stats.MaxSeqLength);
    }

    [Fact]
    public void An_encoder_decoder_model_counts_prompt_plus_eos_and_trains_on_the_encoder_input()
    {
        var framing = new TrainingFraming(new CharacterTokenizer(), isEncoderDecoder: true, modelContext: 6);

        var stats = DatasetStatistics.Compute([Record("abcdefgh", "c"), Record("ab", "cd")], framing, "mine");

        // Inputs 8 + 1 (too long for 6) and 2 + 1; targets 1 + 1 and 2 + 1.
        Assert.Equal(9, stats.PromptTokens!.Max);
        Assert.Equal(3, stats.PromptTokens.Min);
        Assert.Equal(5, stats.CompletionTokens!.Total);
        Assert.Equal(1, stats.TruncatedCount);
        Assert.Equal(6 + 3, stats.TrainingTokens);
        Assert.Equal(2 + 3, stats.LossTokens);
    }

    [Fact]
    public void Train_on_inputs_keeps_the_split_and_counts_prompt_tokens_in_the_loss()
    {
        var framing = new TrainingFraming(new CharacterTokenizer(), isEncoderDecoder: false, modelContext: 32, trainOnInputs: true);

        var stats = DatasetStatistics.Compute([Record("ab", "c")], framing, "mine");

        Assert.Equal(3, stats.PromptTokens!.Max);
        Assert.Equal(2, stats.CompletionTokens!.Max);
        Assert.Equal(2 + 2, stats.LossTokens); // "ab" and "c" + EOS; BOS never
    }

    [Fact]
    public void Records_without_a_task_count_under_the_default_task_in_order_of_first_appearance()
    {
        var framing = new TrainingFraming(new CharacterTokenizer(), isEncoderDecoder: false, modelContext: 64);
        DatasetRecord[] records = [Record("a", "b", "qa"), Record("aa", "b"), Record("a", "bb", "qa"), Record("a", "b", "  ")];

        var stats = DatasetStatistics.Compute(records, framing, "mine");

        // Trained tokens per record: 1 + prompt + completion + 1.
        Assert.Equal([new TaskCount("qa", 2, 4 + 5), new TaskCount("mine", 2, 5 + 4)], stats.Tasks);
    }

    [Fact]
    public void Classification_data_gets_its_label_distribution()
    {
        var framing = new TrainingFraming(new CharacterTokenizer(), isEncoderDecoder: false, modelContext: 64);
        var records = new[] { " positive", "negative", " negative", " positive", " negative ", " positive", "negative" }
            .Select((c, i) => Record($"review {i}", c)).ToList();

        var stats = DatasetStatistics.Compute(records, framing, "mine");

        Assert.Equal([new LabelCount("negative", 4, 4 / 7.0), new LabelCount("positive", 3, 3 / 7.0)], stats.Labels);
    }

    [Fact]
    public void Free_text_completions_have_no_label_distribution()
    {
        var framing = new TrainingFraming(new CharacterTokenizer(), isEncoderDecoder: false, modelContext: 64);

        var stats = DatasetStatistics.Compute([Record("a", "one"), Record("b", "two"), Record("c", "three")], framing, "mine");

        Assert.Null(stats.Labels);
    }

    [Fact]
    public void No_records_give_no_summaries()
    {
        var stats = DatasetStatistics.Compute([], new TrainingFraming(new CharacterTokenizer(), false, 64), "mine");

        Assert.Equal(0, stats.RecordCount);
        Assert.Null(stats.PromptTokens);
        Assert.Empty(stats.Tasks);
    }

    static void AssertSummary(TokenCountSummary? summary, int records, long total, int min, int max, double mean, double p50, double p90)
    {
        Assert.NotNull(summary);
        Assert.Equal(total, summary.Total);
        Assert.Equal(min, summary.Min);
        Assert.Equal(max, summary.Max);
        Assert.Equal(mean, summary.Mean, 9);
        Assert.Equal(p50, summary.P50, 9);
        Assert.Equal(p90, summary.P90, 9);
        Assert.Equal(records, summary.Histogram.Sum(b => b.Count));
    }
}
