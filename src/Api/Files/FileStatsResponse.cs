using System.Text.Json.Serialization;
using TuningService.Core.Datasets.Statistics;

namespace TuningService.Api.Files;

/// <summary>
/// GET /v1/files/{file_id}/stats: a dataset file counted in one model's tokens as training frames them (extension).
/// Percentiles interpolate linearly between closest ranks (numpy's default); histogram buckets are [from, to) with
/// power-of-two edges 0, 1, 2, 4, 8, … so that files and models compare bucket by bucket.
/// </summary>
/// <param name="FileId">The file counted.</param>
/// <param name="Model">The model whose tokenizer and framing counted it.</param>
/// <param name="RecordCount">The file's records.</param>
/// <param name="ModelContext">The model's context (its config's position limit).</param>
/// <param name="MaxSeqLength">The limit counted against: the max_seq_length asked for, capped to the model's context (as a job caps it).</param>
/// <param name="PromptTokens">[BOS] + prompt (encoder-decoder: prompt + EOS) per record, before truncation.</param>
/// <param name="CompletionTokens">Completion + EOS per record, before truncation.</param>
/// <param name="SequenceTokens">Prompt + completion per record, before truncation.</param>
/// <param name="TruncatedExamples">Records longer than max_seq_length, which training truncates.</param>
/// <param name="TrainingTokens">Tokens of one epoch after truncation, as a job's trained_tokens counts them.</param>
/// <param name="LossTokens">Tokens of one epoch the loss is taken on (completion + EOS after truncation).</param>
/// <param name="Labels">The label distribution when the completions are classification labels; null otherwise.</param>
/// <param name="Tasks">Records per `task` (records without one under the task name a job would give them).</param>
/// <param name="PreferencePairs">Preference (DPO) files: the pairs; absent for other files.</param>
/// <param name="NonPreferredTokens">Preference files: non-preferred answer + EOS per pair, before truncation (the
/// preferred answers are in completion_tokens; training and loss tokens count both sequences of each pair).</param>
/// <param name="Cached">True when the counts came from the in-memory cache (same file content, model files and limit).</param>
public sealed record FileStatsResponse(
    string FileId, string Model, int MaxSeqLength, int ModelContext, int RecordCount,
    TokenCountSummary? PromptTokens, TokenCountSummary? CompletionTokens, TokenCountSummary? SequenceTokens,
    int TruncatedExamples, long TrainingTokens, long LossTokens, IReadOnlyList<LabelCount>? Labels, IReadOnlyList<TaskCount> Tasks,
    bool Cached,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? PreferencePairs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TokenCountSummary? NonPreferredTokens = null)
{
    public string Object => "file.stats";
    public string PercentileMethod => "linear";
    public string HistogramEdges => "powers_of_two";

    public static FileStatsResponse From(string fileId, string model, DatasetStatistics s, bool cached) => new(
        fileId, model, s.MaxSeqLength, s.ModelContext, s.RecordCount, s.PromptTokens, s.CompletionTokens, s.SequenceTokens,
        s.TruncatedCount, s.TrainingTokens, s.LossTokens, s.Labels, s.Tasks, cached, s.PairCount, s.NonPreferredTokens);
}
