using System.Diagnostics;
using TuningService.Core.Storage;

namespace TuningService.Bench.StorageBench;

/// <summary>
/// The same file through the store's streamed upload alone (<see cref="IArtifactStore.BeginUploadAsync"/>, 1 MiB
/// writes, no HTTP, no validation), the time to write the bytes apart from the time to complete: it shows how much of
/// the upload through the API is the store's, and how much of that is the server's completion (s3rver joins the parts
/// into one file then, a full copy; MinIO and AWS S3 do not copy on completion).
/// </summary>
public static class StoreUploadRun
{
    public static async Task<(double WriteSeconds, double CompleteSeconds)> RunAsync(IArtifactStore store, string file)
    {
        var buffer = new byte[1024 * 1024];
        var clock = Stopwatch.StartNew();
        await using var upload = await store.BeginUploadAsync($"files/bench-{Guid.NewGuid():N}");
        await using (var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            int n;
            while ((n = await source.ReadAsync(buffer)) > 0) await upload.WriteAsync(buffer.AsMemory(0, n));
        }
        double write = clock.Elapsed.TotalSeconds;
        clock.Restart();
        await upload.CompleteAsync();
        return (write, clock.Elapsed.TotalSeconds);
    }
}
