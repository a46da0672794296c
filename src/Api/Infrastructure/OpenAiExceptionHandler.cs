using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using TuningService.Core.Persistence;
using TuningService.Core.Storage;

namespace TuningService.Api.Infrastructure;

/// <summary>
/// Turns every exception into OpenAI's error shape. Clients never see a stack trace; unexpected failures are
/// logged here with their trace and answered with a plain 500.
/// </summary>
public sealed class OpenAiExceptionHandler(ILogger<OpenAiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, error) = exception switch
        {
            ApiException e => (e.Status, OpenAiError.Of(e.Message, e.Type, e.Param, e.Code)),
            BadHttpRequestException { InnerException: JsonException json } when UnknownField(context, json) is { } unknown =>
                (400, OpenAiError.Of(unknown.Message, unknown.Type, unknown.Param, unknown.Code)),
            BadHttpRequestException { InnerException: JsonException json } => (400, InvalidJson(json)),
            BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                (413, OpenAiError.Of(e.Message, "invalid_request_error", null, "payload_too_large")),
            BadHttpRequestException e => (e.StatusCode, OpenAiError.Of(e.Message, "invalid_request_error")),
            // The database is restarting or away: a retry shortly will do (OpenAI's clients retry a 503 by themselves).
            _ when TransientDatabaseErrors.IsTransient(exception) => (503, OpenAiError.Of(
                "The service's database is unavailable right now; retry in a few seconds.", "server_error", null, "database_unavailable")),
            // The artifact store (the S3 bucket) stayed unreachable through the mirror's retries: as with the database.
            ArtifactStoreException when ArtifactStoreErrors.IsTransient(exception) => (503, OpenAiError.Of(
                "The service's artifact store is unavailable right now; retry in a few seconds.", "server_error", null, "storage_unavailable")),
            _ => (500, OpenAiError.Of("The server had an error while processing your request. It has been logged.", "server_error")),
        };
        if (status >= 500) logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        context.Response.StatusCode = status;
        if (status == 503) context.Response.Headers.RetryAfter = "5";
        await context.Response.WriteAsJsonAsync(error, ct);
        return true;
    }

    /// <summary>A field the endpoint's body type lacks (bodies are read with unmapped members disallowed), named with the nearest known one.</summary>
    static ApiException? UnknownField(HttpContext context, JsonException json) =>
        context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType is { } body
            ? UnknownParameter.Describe(json, body, context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)
            : null;

    static OpenAiError InvalidJson(JsonException json)
    {
        // System.Text.Json paths look like "$.method.supervised.hyperparameters.n_epochs"; OpenAI's param drops "$.".
        var param = json.Path is { Length: > 2 } p ? p[2..] : null;
        var message = param is null
            ? "The request body is not valid JSON."
            : $"Invalid value for '{param}': it has the wrong type or is not valid JSON.";
        return OpenAiError.Of(message, "invalid_request_error", param, "invalid_json");
    }
}
