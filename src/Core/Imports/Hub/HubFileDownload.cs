using System.Net;
using System.Security.Cryptography;

namespace TuningService.Core.Imports.Hub;

/// <summary>
/// Downloads one Hub file into a folder, resumably and verified. Bytes go to "{name}.part"; a broken connection is
/// retried with a Range request from the part's length, also by a later run of the same import. The finished file
/// must have the size and (LFS files) the sha256 the Hub states; only then is it renamed to its real name.
/// </summary>
public static class HubFileDownload
{
    public const string PartSuffix = ".part";
    const int MaxFailures = 5;
    static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Reports the bytes of this file on disk so far and its size once known.</summary>
    public delegate Task Progress(long fileBytes, long? fileSize, CancellationToken ct);

    /// <returns>False when the Hub has no such file (404).</returns>
    public static async Task<bool> RunAsync(HubClient hub, string repo, string revision, HubFile file, string folder, Progress progress, CancellationToken ct)
    {
        var final = Path.Combine(folder, file.Name);
        if (File.Exists(final))
        {
            // Renamed into place only after it was verified, by an earlier run of this import.
            var length = new FileInfo(final).Length;
            await progress(length, length, ct);
            return true;
        }
        var part = final + PartSuffix;
        var failures = 0;
        var startedOver = false;
        while (true)
        {
            try
            {
                var outcome = await AttemptAsync(hub, repo, revision, file, part, progress, ct);
                if (outcome == Outcome.Missing) return false;
                if (outcome == Outcome.Done)
                {
                    File.Move(part, final, overwrite: true);
                    return true;
                }
                // A mismatch: the part may splice two versions of a moving revision, so start over from scratch once.
                File.Delete(part);
                if (startedOver) throw new ModelImportException(MismatchMessage(file.Name, outcome));
                startedOver = true;
            }
            catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
            {
                if (++failures >= MaxFailures)
                    throw new ModelImportException($"Downloading {file.Name} failed {MaxFailures} times; the last error: {e.Message}", e);
                await Task.Delay(TimeSpan.FromSeconds(failures), ct);
            }
        }
    }

    enum Outcome { Done, Missing, SizeMismatch, Sha256Mismatch }

    static async Task<Outcome> AttemptAsync(HubClient hub, string repo, string revision, HubFile file, string part, Progress progress, CancellationToken ct)
    {
        var have = File.Exists(part) ? new FileInfo(part).Length : 0;
        using var answer = await hub.GetFileAsync(repo, revision, file.Name, have, ct);
        var response = answer.Response;
        var start = 0L;
        switch (response.StatusCode)
        {
            case HttpStatusCode.NotFound:
                return Outcome.Missing;
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                throw new ModelImportException($"The Hub refused {file.Name} ({(int)response.StatusCode}): a private or gated repository needs an access token in Tuning:HubToken, with access granted on the Hub.");
            case HttpStatusCode.RequestedRangeNotSatisfiable:
                File.Delete(part); // the part is not a prefix of this file
                throw new IOException($"The Hub could not resume {file.Name} at byte {have}; starting it again.");
            case HttpStatusCode.PartialContent when response.Content.Headers.ContentRange?.From != have:
                File.Delete(part);
                throw new IOException($"The Hub resumed {file.Name} at the wrong byte; starting it again.");
            case HttpStatusCode.PartialContent:
                start = have;
                break;
            case HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError:
                throw new IOException($"The Hub answered {(int)response.StatusCode} for {file.Name}.");
            case HttpStatusCode.OK:
                break; // from the start, even if a Range was asked for
            default:
                throw new ModelImportException($"The Hub answered {(int)response.StatusCode} {response.ReasonPhrase} for {file.Name}.");
        }
        var size = file.Size ?? answer.Size
            ?? (start > 0 ? response.Content.Headers.ContentRange?.Length : response.Content.Headers.ContentLength);
        await using (var output = new FileStream(part, start > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write))
        await using (var body = await response.Content.ReadAsStreamAsync(ct))
            await CopyAsync(body, output, start, size, progress, ct);

        var length = new FileInfo(part).Length;
        if (size is { } expected && length < expected)
            throw new IOException($"The connection ended {expected - length:N0} bytes before the end of {file.Name}.");
        if (size is { } limit && length > limit) return Outcome.SizeMismatch;
        var sha256 = file.Sha256 ?? answer.Sha256;
        if (sha256 is not null && await Sha256Of(part, ct) != sha256) return Outcome.Sha256Mismatch;
        return Outcome.Done;
    }

    static async Task CopyAsync(Stream body, FileStream output, long start, long? size, Progress progress, CancellationToken ct)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var buffer = new byte[81920];
        var done = start;
        await progress(done, size, ct);
        while (true)
        {
            idle.CancelAfter(IdleTimeout); // re-armed before every read: a stalled connection fails, a slow one does not
            int n;
            try
            {
                n = await body.ReadAsync(buffer, idle.Token);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw new IOException($"No data for {IdleTimeout.TotalSeconds:N0} s.", e);
            }
            if (n == 0) break;
            await output.WriteAsync(buffer.AsMemory(0, n), ct);
            done += n;
            await progress(done, size, ct);
        }
    }

    static async Task<string> Sha256Of(string path, CancellationToken ct)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
    }

    static string MismatchMessage(string name, Outcome outcome) => outcome == Outcome.Sha256Mismatch
        ? $"{name} does not match the sha256 the Hub states for it, twice; the download was discarded."
        : $"{name} came out larger than the size the Hub states for it, twice; the download was discarded.";
}
