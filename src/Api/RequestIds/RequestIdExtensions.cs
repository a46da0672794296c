using Microsoft.Extensions.DependencyInjection.Extensions;

namespace TuningService.Api.RequestIds;

/// <summary>
/// <c>X-Request-Id</c>: accepted when sane, else generated (<see cref="RequestId"/>), in every log line of the
/// request (the host's scope, RequestId) and echoed in the <c>x-request-id</c> header of every answer, errors
/// included (OpenAI's clients read it into their exceptions and responses).
/// </summary>
public static class RequestIdExtensions
{
    public static IServiceCollection AddRequestIds(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IHttpContextFactory>(sp => new RequestIdHttpContextFactory(sp)));
        return services;
    }

    /// <summary>First in the pipeline. Set when the response starts: the exception handler clears headers before it writes an error.</summary>
    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[RequestId.Header] = context.TraceIdentifier;
            return Task.CompletedTask;
        });
        return next(context);
    });
}
