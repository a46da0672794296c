using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Persistence;

namespace TuningService.Core.Imports.Hub;

/// <summary>
/// Bytes downloaded and expected over the files of one import, written to its row at most once a second (and at
/// the end) so that polling clients see progress without a database write per network read.
/// </summary>
public sealed class ImportProgress(IServiceScopeFactory scopes, string importId)
{
    static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    readonly Dictionary<string, long?> sizes = new(StringComparer.Ordinal);
    readonly Dictionary<string, long> done = new(StringComparer.Ordinal);
    readonly Stopwatch sinceFlush = Stopwatch.StartNew();

    /// <summary>A file that will be downloaded, with its size when the listing gave it.</summary>
    public void Plan(HubFile file) => sizes.TryAdd(file.Name, file.Size);

    /// <summary>A planned file the Hub turned out not to have.</summary>
    public void Drop(string name)
    {
        sizes.Remove(name);
        done.Remove(name);
    }

    public HubFileDownload.Progress For(string name) => async (fileBytes, fileSize, ct) =>
    {
        done[name] = fileBytes;
        if (fileSize is not null) sizes[name] = fileSize;
        if (sinceFlush.Elapsed >= FlushInterval) await FlushAsync(ct);
    };

    public async Task FlushAsync(CancellationToken ct)
    {
        sinceFlush.Restart();
        var bytesDone = done.Values.Sum();
        // The total is only stated once every planned file's size is known; a partial sum would look like a total.
        long? bytesTotal = sizes.Values.All(s => s is not null) ? sizes.Values.Sum(s => s!.Value) : null;
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<TuningDbContext>();
        await db.ModelImports.Where(i => i.Id == importId)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.BytesDone, bytesDone).SetProperty(i => i.BytesTotal, bytesTotal), ct);
    }
}
