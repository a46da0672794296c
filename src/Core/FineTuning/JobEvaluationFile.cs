using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Evaluation;
using TuningService.Core.Files;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Core.FineTuning;

/// <summary>
/// The job's evaluation as a fine-tune-results file (CSV, <see cref="EvaluationCsv"/>), created with the per-step
/// metrics file when the job's results are registered. Its id is derived from the job's, so the job lists it in
/// result_files without a column of its own: every job with a result file has this one too.
/// </summary>
public static class JobEvaluationFile
{
    public const string FileName = "evaluation.csv";

    public static string IdFor(string jobId) => $"file-{jobId}";

    /// <summary>Writes the file, pushes it to the artifact store, and adds its row to <paramref name="db"/> (saved with the caller's other changes).</summary>
    public static async Task AddAsync(TuningDbContext db, DataPaths paths, ArtifactMirror mirror, FineTuningJob job, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(job);
        var rows = await db.Evaluations.AsNoTracking().Where(e => e.JobId == job.Id).ToListAsync(ct);
        var bytes = Encoding.UTF8.GetBytes(EvaluationCsv.Write(rows));
        var id = IdFor(job.Id);
        var relative = DataPaths.FileRelativePath(id);
        var temp = Path.Combine(paths.Temp, id);
        await File.WriteAllBytesAsync(temp, bytes, ct);
        File.Move(temp, paths.EnsureParent(relative), overwrite: true);
        await mirror.PushFileAsync(relative, ct);
        // A job method re-run after a crash registers its results again: the row is replaced, not duplicated.
        await db.Files.Where(f => f.Id == id).ExecuteDeleteAsync(ct);
        db.Files.Add(new StoredFile
        {
            Id = id, Owner = job.Owner, Filename = FileName, Purpose = "fine-tune-results", Bytes = bytes.Length, CreatedAt = Clock.Now(),
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)), RelativePath = relative,
        });
    }
}
