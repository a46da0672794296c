using Microsoft.Net.Http.Headers;

namespace TuningService.Api.Infrastructure;

/// <summary>The boundary of a multipart/form-data request, for endpoints that stream their uploads.</summary>
public static class MultipartBoundary
{
    /// <param name="contentType">The request's Content-Type.</param>
    /// <param name="usage">What to send instead, for the 400 message.</param>
    /// <param name="param">The field the error names.</param>
    public static string From(string? contentType, string usage, string param)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media) || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw ApiException.BadRequest(usage, param);
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrEmpty(boundary)) throw ApiException.BadRequest("The multipart/form-data content type has no boundary.", param);
        return boundary;
    }
}
