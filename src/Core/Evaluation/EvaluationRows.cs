using Microsoft.EntityFrameworkCore;
using TuningService.Core.Common;
using TuningService.Core.Persistence;

namespace TuningService.Core.Evaluation;

/// <summary>Reads and writes <see cref="EvaluationResult"/> rows.</summary>
public static class EvaluationRows
{
    public static EvaluationResult Create(string? jobId, string? cacheKey, string model, string subject, int? step, string role,
        DatasetEvaluation evaluation) => new()
        {
            Id = Ids.New("eval"), JobId = jobId, CacheKey = cacheKey, Model = model, Subject = subject, Step = step, DatasetRole = role,
            DatasetId = evaluation.DatasetId, ReportJson = EvaluationJson.Serialize(evaluation), CreatedAt = Clock.Now(),
        };

    /// <summary>Whether the job already has this result: a re-run job method evaluates only what is missing.</summary>
    public static Task<bool> ExistsAsync(TuningDbContext db, string jobId, string subject, string role, string datasetId, CancellationToken ct) =>
        db.Evaluations.AnyAsync(e => e.JobId == jobId && e.Subject == subject && e.DatasetRole == role && e.DatasetId == datasetId, ct);

    /// <summary>A reusable base-model result (a cache row belongs to no job), or null.</summary>
    public static Task<EvaluationResult?> FindCachedAsync(TuningDbContext db, string cacheKey, CancellationToken ct) =>
        db.Evaluations.AsNoTracking().Where(e => e.CacheKey == cacheKey && e.JobId == null).OrderByDescending(e => e.CreatedAt).FirstOrDefaultAsync(ct);

    public static DatasetEvaluation Read(EvaluationResult row) => EvaluationJson.Deserialize<DatasetEvaluation>(row.ReportJson);

    /// <summary>
    /// Clears what a training attempt that starts over will measure again: checkpoints after <paramref name="fromStep"/>
    /// (all of them when null) and, when starting from scratch, the fine-tuned results. Base and ICL results stay valid.
    /// </summary>
    public static Task<int> ClearForRestartAsync(TuningDbContext db, string jobId, int? fromStep, CancellationToken ct) =>
        fromStep is int step
            ? db.Evaluations.Where(e => e.JobId == jobId && e.Subject == EvaluationSubjects.Checkpoint && e.Step > step).ExecuteDeleteAsync(ct)
            : db.Evaluations.Where(e => e.JobId == jobId && (e.Subject == EvaluationSubjects.Checkpoint || e.Subject == EvaluationSubjects.FineTuned))
                .ExecuteDeleteAsync(ct);
}
