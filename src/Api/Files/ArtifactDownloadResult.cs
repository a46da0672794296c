using Microsoft.Net.Http.Headers;
using TuningService.Core.Storage;

namespace TuningService.Api.Files;

/// <summary>
/// A file's bytes sent straight from the artifact store: Content-Length from the object, the body copied through a
/// small buffer (memory flat in the file's size) and checked against the object's sha256 as it goes
/// (<see cref="VerifiedArtifactStream"/>: a damaged object cuts the response short).
/// </summary>
public sealed class ArtifactDownloadResult(ArtifactReadStream content, string contentType, string downloadName) : IResult
{
    const int BufferBytes = 256 * 1024;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        await using var verified = new VerifiedArtifactStream(content);
        var response = httpContext.Response;
        response.ContentType = contentType;
        response.ContentLength = verified.Length;
        var disposition = new ContentDispositionHeaderValue("attachment");
        disposition.SetHttpFileName(downloadName); // as Results.File writes it for a local file
        response.Headers.ContentDisposition = disposition.ToString();
        await verified.CopyToAsync(response.Body, BufferBytes, httpContext.RequestAborted);
    }
}
