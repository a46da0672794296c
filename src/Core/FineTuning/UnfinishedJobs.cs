using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>
/// The jobs that still need their files and base model: every job not yet succeeded, failed or cancelled (paused
/// ones too, since they resume). Deleting a file or model one of them uses would make it fail later, far from the
/// delete that caused it, so the delete endpoints ask here first.
/// </summary>
public static class UnfinishedJobs
{
    /// <summary>Ids of unfinished jobs that read the file: training, validation, test, retention, or a task's file.</summary>
    public static async Task<IReadOnlyList<string>> UsingFileAsync(TuningDbContext db, string fileId, CancellationToken ct)
    {
        // The JSON columns are narrowed in SQL by a substring match and confirmed below by parsing them, so a
        // longer id that merely contains this one does not count.
        var candidates = await Unfinished(db)
            .Where(j => j.TrainingFileId == fileId || j.ValidationFileId == fileId || j.TestFileId == fileId
                || (j.RetentionFileIdsJson != null && j.RetentionFileIdsJson.Contains(fileId))
                || (j.TasksJson != null && j.TasksJson.Contains(fileId)))
            .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id)
            .Select(j => new { j.Id, j.TrainingFileId, j.ValidationFileId, j.TestFileId, j.RetentionFileIdsJson, j.TasksJson })
            .ToListAsync(ct);
        return candidates
            .Where(j => j.TrainingFileId == fileId || j.ValidationFileId == fileId || j.TestFileId == fileId
                || RetentionFiles(j.RetentionFileIdsJson).Contains(fileId)
                || Tasks(j.TasksJson).Any(t => t.TrainingFile == fileId || t.ValidationFile == fileId))
            .Select(j => j.Id)
            .ToList();
    }

    /// <summary>
    /// Ids of unfinished jobs that start from the model: from the model itself or from one of its checkpoints,
    /// whose ids are the model's id followed by <c>:ckpt-step-N</c>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> StartingFromModelAsync(TuningDbContext db, string modelId, CancellationToken ct)
    {
        var checkpointPrefix = modelId + ":ckpt-step-";
        return await Unfinished(db)
            .Where(j => j.Model == modelId || j.Model.StartsWith(checkpointPrefix))
            .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id)
            .Select(j => j.Id)
            .ToListAsync(ct);
    }

    /// <summary>"ftjob-a, ftjob-b and 3 more": enough ids to act on without an unbounded message.</summary>
    public static string Describe(IReadOnlyList<string> jobIds, int shown = 5) =>
        jobIds.Count <= shown
            ? string.Join(", ", jobIds)
            : $"{string.Join(", ", jobIds.Take(shown))} and {jobIds.Count - shown} more";

    static IQueryable<FineTuningJob> Unfinished(TuningDbContext db) =>
        db.Jobs.AsNoTracking().Where(j => j.Status != JobStatus.Succeeded && j.Status != JobStatus.Failed && j.Status != JobStatus.Cancelled);

    static List<string> RetentionFiles(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<string>>(json) ?? [];

    static List<JobTask> Tasks(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<JobTask>>(json) ?? [];
}
