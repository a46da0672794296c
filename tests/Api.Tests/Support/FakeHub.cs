using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// A Hugging Face Hub stand-in on 127.0.0.1 serving one folder as repo@revision, in the Hub's URL layout:
/// `/api/models/{repo}/revision/{rev}` lists the files (with sizes and LFS sha256s, like `?blobs=true`), and
/// `/{repo}/resolve/{rev}/{file}` serves small files directly and redirects *.safetensors (LFS) to a "CDN" path
/// on another port with X-Linked-Etag / X-Linked-Size, as the real Hub does. It can cut a download mid-file once, serve a file with
/// a flipped byte, or refuse to list, and it records every request.
/// </summary>
public sealed class FakeHub : IAsyncDisposable
{
    readonly WebApplication app;
    readonly string repo, revision, folder;
    readonly bool listing;
    readonly string? dropOnce, corrupt;
    int dropped;

    FakeHub(WebApplication app, string repo, string revision, string folder, bool listing, string? dropOnce, string? corrupt)
    {
        (this.app, this.repo, this.revision, this.folder) = (app, repo, revision, folder);
        (this.listing, this.dropOnce, this.corrupt) = (listing, dropOnce, corrupt);
    }

    public string Url => app.Urls.First();

    /// <summary>Another port, so another origin: the "CDN" that LFS files redirect to, which must never see the token.</summary>
    string CdnUrl => app.Urls.Last();

    /// <summary>Every request: path, Range header, Authorization header.</summary>
    public ConcurrentQueue<(string Path, string Range, string Authorization)> Requests { get; } = new();

    /// <param name="repo">The repo id served, e.g. "tests/llama-tiny".</param>
    /// <param name="revision">The revision served.</param>
    /// <param name="folder">The files of the repo.</param>
    /// <param name="listing">False: the listing answers 404, so the importer falls back to its fixed list of names.</param>
    /// <param name="dropOnce">This file's first download is cut off halfway (the connection is aborted).</param>
    /// <param name="corrupt">This file is served with one byte flipped, while its sha256 is stated for the original.</param>
    public static async Task<FakeHub> StartAsync(string repo, string revision, string folder, bool listing = true, string? dropOnce = null, string? corrupt = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var hub = new FakeHub(app, repo, revision, folder, listing, dropOnce, corrupt);
        app.Run(hub.HandleAsync);
        await app.StartAsync();
        return hub;
    }

    async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue((path, context.Request.Headers.Range.ToString(), context.Request.Headers.Authorization.ToString()));
        var resolve = $"/{repo}/resolve/{revision}/";
        if (path == $"/api/models/{repo}/revision/{revision}" && listing)
            await context.Response.WriteAsJsonAsync(new { id = repo, siblings = Directory.GetFiles(folder).Select(Sibling) });
        else if (path.StartsWith(resolve, StringComparison.Ordinal) && File.Exists(Path.Combine(folder, path[resolve.Length..])))
            await ResolveAsync(context, path[resolve.Length..]);
        else if (path.StartsWith("/cdn/", StringComparison.Ordinal) && File.Exists(Path.Combine(folder, path["/cdn/".Length..])))
            await ServeAsync(context, path["/cdn/".Length..]);
        else
            context.Response.StatusCode = 404;
    }

    object Sibling(string file)
    {
        var name = Path.GetFileName(file);
        var size = new FileInfo(file).Length;
        return IsLfs(name)
            ? new { rfilename = name, size, lfs = (object?)new { sha256 = Sha256(File.ReadAllBytes(file)), size } }
            : new { rfilename = name, size, lfs = (object?)null };
    }

    async Task ResolveAsync(HttpContext context, string name)
    {
        if (!IsLfs(name))
        {
            // Small files come straight from git, with the blob's sha1 as ETag (not a sha256).
            context.Response.Headers.ETag = $"\"{Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(Path.Combine(folder, name))))}\"";
            await ServeAsync(context, name);
            return;
        }
        var original = File.ReadAllBytes(Path.Combine(folder, name));
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = $"{CdnUrl}/cdn/{name}";
        context.Response.Headers["X-Linked-Etag"] = $"\"{Sha256(original)}\"";
        context.Response.Headers["X-Linked-Size"] = original.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    async Task ServeAsync(HttpContext context, string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, name));
        if (name == corrupt) bytes[bytes.Length / 2] ^= 0xFF;
        long from = 0;
        if (RangeHeaderValue.TryParse(context.Request.Headers.Range.ToString(), out var range) && range.Ranges.First().From is { } start)
        {
            from = start;
            context.Response.StatusCode = 206;
            context.Response.Headers.ContentRange = $"bytes {from}-{bytes.Length - 1}/{bytes.Length}";
        }
        context.Response.ContentLength = bytes.Length - from;
        if (name == dropOnce && Interlocked.Exchange(ref dropped, 1) == 0)
        {
            await context.Response.Body.WriteAsync(bytes.AsMemory((int)from, (bytes.Length - (int)from) / 2));
            await context.Response.Body.FlushAsync();
            context.Abort();
            return;
        }
        await context.Response.Body.WriteAsync(bytes.AsMemory((int)from));
    }

    static bool IsLfs(string name) => name.EndsWith(".safetensors", StringComparison.Ordinal);

    static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
