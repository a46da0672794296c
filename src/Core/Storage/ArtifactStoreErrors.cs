using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;

namespace TuningService.Core.Storage;

/// <summary>
/// Tells storage failures worth retrying (the endpoint is down or overloaded, a connection dropped, a request timed
/// out) from those that will fail the same way again (a missing object, refused credentials, a corrupt object), so
/// that callers can ride out a storage outage the way they ride out a database one.
/// </summary>
public static class ArtifactStoreErrors
{
    static readonly HashSet<string> TransientS3Codes = new(StringComparer.Ordinal)
    {
        "InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout", "Throttling", "ThrottlingException",
        "RequestLimitExceeded", "RequestTimeTooSkewed", "OperationAborted",
    };

    public static bool IsTransient(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case ArtifactNotFoundException or ArtifactIntegrityException:
                    return false;
                case AmazonServiceException s when s.ErrorCode is not null && TransientS3Codes.Contains(s.ErrorCode):
                    return true;
                case AmazonServiceException s when (int)s.StatusCode >= 500 || s.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout:
                    return true;
                case AmazonServiceException s when (int)s.StatusCode is >= 400 and < 500:
                    return false; // the request itself is wrong: denied, missing bucket, bad range
                case HttpRequestException or SocketException or TimeoutException:
                    return true; // connection refused or reset, name not resolved, time-out
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsTransient);
            }
        }
        return false;
    }
}
