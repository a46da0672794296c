using TuningService.Core.Files;

namespace TuningService.Core.Datasets.Statistics;

/// <summary>
/// What a dataset file holds, counted in one model's tokens as training frames them (see <see cref="TrainingFraming"/>).
/// </summary>
/// <param name="MaxSeqLength">The limit the counts were made for (max_seq_length capped to the model's context).</param>
/// <param name="PromptTokens">Framed prompt lengths before truncation ([BOS] + prompt; encoder-decoder: prompt + EOS).</param>
/// <param name="CompletionTokens">Framed completion lengths before truncation (completion + EOS).</param>
/// <param name="SequenceTokens">Prompt + completion per record before truncation: what must fit <paramref name="MaxSeqLength"/>
/// (for an encoder-decoder model each side must fit on its own).</param>
/// <param name="TruncatedCount">Records training will truncate (longer than <paramref name="MaxSeqLength"/>).</param>
/// <param name="TrainingTokens">Tokens one epoch trains on after truncation, counted as a job's trained_tokens counts
/// them: the whole sequence of a decoder-only model, the encoder input of an encoder-decoder one.</param>
/// <param name="LossTokens">Tokens the loss is taken on in one epoch (completion + EOS after truncation).</param>
/// <param name="Labels">The label distribution when the completions are classification labels
/// (<see cref="ClassificationLabels"/>), else null.</param>
/// <param name="Tasks">Records per task, in order of each task's first record.</param>
/// <param name="PairCount">Preference files: the pairs (one per record); null for other files. Their preferred answers
/// are counted in <paramref name="CompletionTokens"/>, and both sequences of a pair in the training and loss tokens.</param>
/// <param name="NonPreferredTokens">Preference files: non-preferred answer + EOS per pair, before truncation; else null.</param>
public sealed record DatasetStatistics(
    int RecordCount,
    int MaxSeqLength,
    int ModelContext,
    TokenCountSummary? PromptTokens,
    TokenCountSummary? CompletionTokens,
    TokenCountSummary? SequenceTokens,
    int TruncatedCount,
    long TrainingTokens,
    long LossTokens,
    IReadOnlyList<LabelCount>? Labels,
    IReadOnlyList<TaskCount> Tasks,
    int? PairCount = null,
    TokenCountSummary? NonPreferredTokens = null)
{
    /// <param name="records">The file's records (DatasetReader.Read), rendered with each format's default. Read once, one at
    /// a time: what is kept is bounded by the distinct token lengths (<see cref="TokenCountAccumulator"/>), at most
    /// <see cref="ClassificationLabels.MaxLabels"/> + 1 labels (<see cref="LabelTally"/>) and one entry per task.</param>
    /// <param name="defaultTaskName">The task of records without one: the name a job gives them (TaskGrouping.DefaultTaskName).</param>
    public static DatasetStatistics Compute(IEnumerable<DatasetRecord> records, TrainingFraming framing, string defaultTaskName, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(framing);
        TokenCountAccumulator prompts = new(), completions = new(), sequences = new(), nonPreferred = new();
        var labels = new LabelTally(); // preferred answers are no label set: only records without a rejected answer count
        var tasks = new Dictionary<string, (int Order, int Records, long Tokens)>(StringComparer.Ordinal);
        int truncated = 0;
        long trainingTokens = 0, lossTokens = 0;
        foreach (var record in records)
        {
            ct.ThrowIfCancellationRequested();
            var example = record.ToExample();
            var framed = framing.Frame(example.Prompt, example.Completion);
            prompts.Add(framed.PromptTokens);
            completions.Add(framed.CompletionTokens);
            sequences.Add(framed.UntruncatedLength);
            if (example.Rejected is null) labels.Add(example.Completion);
            if (framed.Trained.WasTruncated) truncated++;
            trainingTokens += framed.Trained.Length;
            lossTokens += framed.LossTokens;
            if (example.Rejected is { } rejected)
            {
                // DPO trains on both sequences of a pair, each prompt + answer.
                var other = framing.Frame(example.Prompt, rejected);
                nonPreferred.Add(other.CompletionTokens);
                if (other.Trained.WasTruncated && !framed.Trained.WasTruncated) truncated++;
                trainingTokens += other.Trained.Length;
                lossTokens += other.LossTokens;
            }
            var task = string.IsNullOrWhiteSpace(record.Task) ? defaultTaskName : record.Task;
            var (order, count, tokens) = tasks.GetValueOrDefault(task, (tasks.Count, 0, 0));
            tasks[task] = (order, count + 1, tokens + framed.Trained.Length);
        }
        var pairs = checked((int)nonPreferred.Count);
        return new DatasetStatistics(checked((int)prompts.Count), framing.ContextLength, framing.ModelContext,
            prompts.Summary(), completions.Summary(), sequences.Summary(),
            truncated, trainingTokens, lossTokens, LabelDistribution(labels),
            [.. tasks.OrderBy(t => t.Value.Order).Select(t => new TaskCount(t.Key, t.Value.Records, t.Value.Tokens))],
            pairs > 0 ? pairs : null, pairs > 0 ? nonPreferred.Summary() : null);
    }

    /// <summary>Records per label, in the label set's (ordinal) order; null when the data is not classification data.</summary>
    static IReadOnlyList<LabelCount>? LabelDistribution(LabelTally tally)
    {
        if (tally.Labels is not { } labels) return null;
        return [.. labels.Select(l => new LabelCount(l, checked((int)tally.CountOf(l)), (double)tally.CountOf(l) / tally.Total))];
    }
}
