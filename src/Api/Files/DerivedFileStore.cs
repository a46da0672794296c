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
/// never touched. Nothing is half-written: every file is written under tmp/ first, then all are moved into place,
/// pushed to the artifact store and their rows inserted in one transaction; if anything fails, the bytes already
/// moved or pushed are deleted and the temporary files removed, as an upload does (UploadFile).
/// </summary>
public static class DerivedFileStore
{
    public static async Task<IReadOnlyList<StoredFile>> SaveAsync(TuningDbContext db, DataPaths paths, ArtifactMirror mirror, StoredFile parent,
        IReadOnlyList<DerivedFilePlan> plans, OwnerQuotas quotas, CancellationToken ct)
    {
        var rendered = DatasetWriter.WritesRendered(parent);
        var temporary = plans.Select(p => Path.Combine(paths.Temp, $"{p.Id}.{Guid.NewGuid():N}.tmp")).ToList();
        var moved = new List<string>();
        var pushed = new List<string>();
        try
        {
            var files = plans.Select((plan, i) => Describe(parent, plan, DatasetWriter.WriteFile(temporary[i], plan.Records, rendered))).ToList();
            for (var i = 0; i < files.Count; i++)
            {
                var final = paths.EnsureParent(files[i].RelativePath);
                File.Move(temporary[i], final);
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
            foreach (var path in temporary) File.Delete(path); // a no-op for those moved into place
        }
    }

    static StoredFile Describe(StoredFile parent, DerivedFilePlan plan, WrittenDataset written) => new()
    {
        Id = plan.Id, Owner = parent.Owner, Filename = plan.Filename, Purpose = parent.Purpose, Bytes = written.Bytes,
        CreatedAt = Clock.Now(), Sha256 = written.Sha256, Format = DatasetWriter.OutputFormat(parent), Container = "jsonl",
        RecordCount = written.RecordCount, RelativePath = DataPaths.FileRelativePath(plan.Id),
        ParentFileId = parent.Id, Derivation = plan.Derivation, SplitName = plan.SplitName, ReportJson = plan.ReportJson,
    };

    /// <summary>"reviews.csv" with suffix "cleaned" gives "reviews.cleaned.jsonl".</summary>
    public static string DerivedName(StoredFile parent, string suffix) =>
        $"{Path.GetFileNameWithoutExtension(parent.Filename)}.{suffix}.jsonl";
}
