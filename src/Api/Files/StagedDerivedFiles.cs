using TuningService.Core.Datasets;

namespace TuningService.Api.Files;

/// <summary>
/// New files written under tmp/ by <see cref="DerivedFileStore.Write"/>, not yet in place: what each was planned as,
/// where it lies and what was written. Disposing deletes what is still there (a no-op for files moved into place).
/// </summary>
public sealed class StagedDerivedFiles(IReadOnlyList<DerivedFilePlan> plans, IReadOnlyList<string> temporaryPaths,
    IReadOnlyList<WrittenDataset> written) : IDisposable
{
    public IReadOnlyList<DerivedFilePlan> Plans { get; } = plans;

    public IReadOnlyList<string> TemporaryPaths { get; } = temporaryPaths;

    public IReadOnlyList<WrittenDataset> Written { get; } = written;

    public void Dispose()
    {
        foreach (var path in TemporaryPaths) File.Delete(path);
    }
}
