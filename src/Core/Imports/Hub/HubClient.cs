using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using TuningService.Core.Configuration;

namespace TuningService.Core.Imports.Hub;

/// <summary>
/// Requests to the Hugging Face Hub (Tuning:HubUrl): the file listing of a revision and the files themselves.
/// Redirects are followed here rather than by the handler, because the Hub states an LFS file's sha256 and size
/// (X-Linked-Etag, X-Linked-Size) only on its redirect to the CDN, and because the token must go to the Hub alone.
/// </summary>
public sealed partial class HubClient : IDisposable
{
    const int MaxRedirects = 10;
    static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(60);

    readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(30), PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    { Timeout = Timeout.InfiniteTimeSpan }; // bodies take as long as they take; HeadersTimeout and the reader's idle timeout bound the waits
    readonly Uri hub;
    readonly string? token;

    public HubClient(TuningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        hub = new Uri(options.HubUrl.TrimEnd('/') + "/");
        token = string.IsNullOrWhiteSpace(options.HubToken) ? null : options.HubToken;
    }

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    /// <summary>The files of a revision with their sizes and LFS sha256s, or null when the Hub does not list them.</summary>
    public async Task<IReadOnlyList<HubFile>?> ListFilesAsync(string repo, string revision, CancellationToken ct)
    {
        using var answer = await GetAsync(new Uri(hub, $"api/models/{RepoPath(repo)}/revision/{Uri.EscapeDataString(revision)}?blobs=true"), 0, ct);
        if (!answer.Response.IsSuccessStatusCode) return null;
        try
        {
            using var json = await JsonDocument.ParseAsync(await answer.Response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            if (!json.RootElement.TryGetProperty("siblings", out var siblings) || siblings.ValueKind != JsonValueKind.Array) return null;
            return siblings.EnumerateArray()
                .Where(s => s.TryGetProperty("rfilename", out var n) && n.ValueKind == JsonValueKind.String)
                .Select(s => new HubFile(s.GetProperty("rfilename").GetString()!, OptionalLong(s, "size"),
                    s.TryGetProperty("lfs", out var lfs) && lfs.ValueKind == JsonValueKind.Object && lfs.TryGetProperty("sha256", out var sha)
                        ? NormalizedSha256(sha.GetString()) : null))
                .ToList();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>GET {hub}/{repo}/resolve/{revision}/{file}, from byte <paramref name="from"/> on (a Range request) when above 0.</summary>
    public Task<HubResponse> GetFileAsync(string repo, string revision, string file, long from, CancellationToken ct) =>
        GetAsync(new Uri(hub, $"{RepoPath(repo)}/resolve/{Uri.EscapeDataString(revision)}/{RepoPath(file)}"), from, ct);

    /// <summary>Whether the revision has the file, from the answer's headers alone (the body is never read).</summary>
    public async Task<bool> ExistsAsync(string repo, string revision, string file, CancellationToken ct)
    {
        using var answer = await GetFileAsync(repo, revision, file, 0, ct);
        return answer.Response.IsSuccessStatusCode;
    }

    async Task<HubResponse> GetAsync(Uri url, long from, CancellationToken ct)
    {
        string? linkedSha = null, etagSha = null;
        long? linkedSize = null;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (token is not null && url.Scheme == hub.Scheme && url.Authority == hub.Authority)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(HeadersTimeout);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
            {
                throw new IOException($"{url.Host} did not answer within {HeadersTimeout.TotalSeconds:N0} s.", e);
            }
            linkedSha ??= NormalizedSha256(Header(response, "X-Linked-Etag"));
            etagSha ??= NormalizedSha256(response.Headers.ETag?.Tag);
            linkedSize ??= long.TryParse(Header(response, "X-Linked-Size"), out var size) ? size : null;
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                response.Dispose();
                url = new Uri(url, location);
                continue;
            }
            return new HubResponse(response, linkedSha ?? etagSha, linkedSize);
        }
        throw new IOException($"More than {MaxRedirects} redirects while fetching {url}.");
    }

    static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>A sha256 in hex from an ETag-like value ("W/", quotes stripped), or null when the value is something else (a git sha1).</summary>
    static string? NormalizedSha256(string? value)
    {
        if (value is null) return null;
        var v = value.Trim();
        if (v.StartsWith("W/", StringComparison.Ordinal)) v = v[2..];
        v = v.Trim('"').ToLowerInvariant();
        return Sha256Hex().IsMatch(v) ? v : null;
    }

    static long? OptionalLong(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : null;

    static string RepoPath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public void Dispose() => http.Dispose();
}
