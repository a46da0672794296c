using TuningService.Api.Quotas;
using TuningService.Core.Common;
using TuningService.Core.Configuration;
using TuningService.Core.Datasets;
using TuningService.Core.Files;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Files;

/// <summary>
/// Stores files made from another one (cleaned, split) as new JSONL files linked to their parent; the parent is
/// never touched. Two steps, so that records stream from the parent into the new files and the report, which is
/// known only once they are written, goes into the rows: <see cref="Write"/> writes every file under tmp/;
/// <see cref="SaveAsync"/> moves them all into place, pushes them to the artifact store and inserts their rows in one
/// transaction. Nothing is half-written: if anything fails, the bytes already moved or pushed are deleted and the
/// temporary files removed, as an upload does (UploadFile).
/// </summary>
public static class DerivedFileStore
{
    /// <summary>Writes one temporary file per plan from the records <paramref name="write"/> gives each writer (in plan order).</summary>
    public static StagedDerivedFiles Write(DataPaths paths, StoredFile parent, IReadOnlyList<DerivedFilePlan> plans,
        Action<IReadOnlyList<DatasetFileWriter>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var rendered = DatasetWriter.WritesRendered(parent);
        var temporary = plans.Select(p => Path.Combine(paths.Temp, $"{p.Id}.{Guid.NewGuid():N}.tmp")).ToList();
        var writers = new List<DatasetFileWriter>();
        try
        {
            foreach (var path in temporary) writers.Add(new DatasetFileWriter(path, rendered));
            write(writers);
            return new StagedDerivedFiles(plans, temporary, [.. writers.Select(w => w.Complete())]);
        }
        catch
        {
            foreach (var writer in writers) writer.Dispose();
            foreach (var path in temporary) File.Delete(path);
            throw;
        }
    }

    public static async Task<IReadOnlyList<StoredFile>> SaveAsync(TuningDbContext db, DataPaths paths, ArtifactMirror mirror, StoredFile parent,
        StagedDerivedFiles staged, string reportJson, OwnerQuotas quotas, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(staged);
        var moved = new List<string>();
        var pushed = new List<string>();
        try
        {
            var files = staged.Plans.Select((plan, i) => Describe(parent, plan, staged.Written[i], reportJson)).ToList();
            for (var i = 0; i < files.Count; i++)
            {
                var final = paths.EnsureParent(files[i].RelativePath);
                File.Move(staged.TemporaryPaths[i], final);
                moved.Add(final);
            }
            // Before the rows: a worker on another machine reads them from the artifact store.
            foreach (var file in files)
            {
                await mirror.PushFileAsync(file.RelativePath, ct);
                pushed.Add(file.RelativePath);
            }
            await quotas.AddFilesAsync(db, parent.Owner, files, ct); // the owner's stored-bytes quota
            return files;
        }
        catch
        {
            foreach (var path in moved) File.Delete(path); // no rows, no bytes
            foreach (var relative in pushed) await mirror.DeleteAsync(relative, CancellationToken.None);
            throw;
        }
        finally
        {
            staged.Dispose(); // the temporary files not moved into place
        }
    }

    static StoredFile Describe(StoredFile parent, DerivedFilePlan plan, WrittenDataset written, string reportJson) => new()
    {
        Id = plan.Id, Owner = parent.Owner, Filename = plan.Filename, Purpose = parent.Purpose, Bytes = written.Bytes,
        CreatedAt = Clock.Now(), Sha256 = written.Sha256, Format = DatasetWriter.OutputFormat(parent), Container = "jsonl",
        RecordCount = written.RecordCount, RelativePath = DataPaths.FileRelativePath(plan.Id),
        ParentFileId = parent.Id, Derivation = plan.Derivation, SplitName = plan.SplitName, ReportJson = reportJson,
    };

    /// <summary>"reviews.csv" with suffix "cleaned" gives "reviews.cleaned.jsonl".</summary>
    public static string DerivedName(StoredFile parent, string suffix) =>
        $"{Path.GetFileNameWithoutExtension(parent.Filename)}.{suffix}.jsonl";
}
