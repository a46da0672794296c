using Microsoft.AspNetCore.Http.Features;

namespace TuningService.Api.RequestIds;

/// <summary>
/// Gives each request its id (<see cref="RequestId.For"/>) as its TraceIdentifier when the context is created:
/// before ASP.NET Core opens the request's logging scope, which records the TraceIdentifier as <c>RequestId</c>. So
/// every line of the request, the host's own "Request starting/finished" included, carries the id the caller sees
/// in <c>x-request-id</c>; a middleware would be too late for those two.
/// </summary>
sealed class RequestIdHttpContextFactory(IServiceProvider services) : IHttpContextFactory
{
    readonly DefaultHttpContextFactory inner = new(services);

    public HttpContext Create(IFeatureCollection featureCollection)
    {
        var context = inner.Create(featureCollection);
        context.TraceIdentifier = RequestId.For(context.Request.Headers[RequestId.Header].ToString());
        return context;
    }

    public void Dispose(HttpContext httpContext) => inner.Dispose(httpContext);
}
