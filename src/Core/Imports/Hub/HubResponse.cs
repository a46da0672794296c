namespace TuningService.Core.Imports.Hub;

/// <summary>
/// The final answer to a file request after redirects, with what the Hub said about the file on the way: the
/// sha256 of an LFS file (X-Linked-Etag, or an ETag that is a sha256) and its size (X-Linked-Size).
/// </summary>
public sealed class HubResponse(HttpResponseMessage response, string? sha256, long? size) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;
    public string? Sha256 { get; } = sha256;
    public long? Size { get; } = size;

    public void Dispose() => Response.Dispose();
}
