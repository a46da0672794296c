using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using TuningService.Core.Storage;

namespace TuningService.Core.Tests.Storage;

/// <summary>Which storage failures a caller may retry: outages and overload yes, refusals and bad data no.</summary>
public sealed class ArtifactStoreErrorsTests
{
    [Fact]
    public void Outages_and_overload_are_transient_wherever_they_sit_in_the_chain()
    {
        Assert.True(ArtifactStoreErrors.IsTransient(S3Error(HttpStatusCode.ServiceUnavailable, "SlowDown")));
        Assert.True(ArtifactStoreErrors.IsTransient(S3Error(HttpStatusCode.InternalServerError, null)));
        Assert.True(ArtifactStoreErrors.IsTransient(S3Error(HttpStatusCode.BadRequest, "RequestTimeout")));
        Assert.True(ArtifactStoreErrors.IsTransient(new ArtifactStoreException("S3 GET failed", new HttpRequestException("refused", new SocketException((int)SocketError.ConnectionRefused)))));
        Assert.True(ArtifactStoreErrors.IsTransient(new TaskCanceledException("timed out", new TimeoutException())));
    }

    [Fact]
    public void Refusals_missing_objects_and_corruption_are_not()
    {
        Assert.False(ArtifactStoreErrors.IsTransient(S3Error(HttpStatusCode.Forbidden, "AccessDenied")));
        Assert.False(ArtifactStoreErrors.IsTransient(new ArtifactStoreException("S3 GET failed", S3Error(HttpStatusCode.NotFound, "NoSuchBucket"))));
        Assert.False(ArtifactStoreErrors.IsTransient(new ArtifactNotFoundException("files/x", "here")));
        Assert.False(ArtifactStoreErrors.IsTransient(new ArtifactIntegrityException("files/x", "here", "aa", "bb")));
        Assert.False(ArtifactStoreErrors.IsTransient(new OperationCanceledException()));
    }

    static AmazonS3Exception S3Error(HttpStatusCode status, string? code) => new("S3 said no") { StatusCode = status, ErrorCode = code };
}
