using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace TuningService.Api.Completions;

/// <summary>Writes `data: {json}` events and the closing `data: [DONE]`, flushing each so clients see tokens as they come.</summary>
public sealed class ServerSentEvents(HttpResponse response)
{
    readonly JsonSerializerOptions json = response.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;

    public void Start()
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // ask reverse proxies not to buffer the stream
    }

    public async Task WriteAsync<T>(T payload, CancellationToken ct)
    {
        await response.WriteAsync($"data: {JsonSerializer.Serialize(payload, json)}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }

    public async Task DoneAsync(CancellationToken ct)
    {
        await response.WriteAsync("data: [DONE]\n\n", ct);
        await response.Body.FlushAsync(ct);
    }
}
