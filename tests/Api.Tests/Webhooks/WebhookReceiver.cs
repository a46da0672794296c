using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Webhooks;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 (Kestrel): records every request, answers 500 to the first
/// <see cref="FailuresPerEvent"/> tries of each webhook-id and 200 after, and checks every signature as it arrives,
/// with <see cref="SignatureCheck"/> and with the StandardWebhooks package. Set <see cref="Secret"/> once the
/// endpoint is registered (requests before that count as unverified).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly WebApplication app;
    readonly ConcurrentDictionary<string, int> tries = new();

    public WebhookReceiver(int failuresPerEvent = 0)
    {
        FailuresPerEvent = failuresPerEvent;
        Url = $"http://127.0.0.1:{LoopbackPort.Free()}/hooks";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(new Uri(Url).GetLeftPart(UriPartial.Authority));
        app = builder.Build();
        app.MapPost("/hooks", ReceiveAsync);
        app.StartAsync().GetAwaiter().GetResult();
    }

    public string Url { get; }
    public int FailuresPerEvent { get; }
    public string? Secret { get; set; }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>Requests whose signature either verifier refused, with why.</summary>
    public ConcurrentQueue<string> VerificationFailures { get; } = new();

    async Task ReceiveAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = http.Request.Headers;
        var id = headers["webhook-id"].ToString();
        var timestamp = headers["webhook-timestamp"].ToString();
        var signature = headers["webhook-signature"].ToString();
        var secret = Secret;
        if (secret is null) VerificationFailures.Enqueue($"{id}: arrived before the test knew the secret");
        else
        {
            if (!SignatureCheck.IsValid(secret, id, timestamp, signature, body, DateTimeOffset.UtcNow))
                VerificationFailures.Enqueue($"{id}: own verifier refused it");
            try
            {
                new StandardWebhook(secret).Verify(body, headers);
            }
            catch (WebhookVerificationException e)
            {
                VerificationFailures.Enqueue($"{id}: StandardWebhooks refused it: {e.Message}");
            }
        }
        var attempt = tries.AddOrUpdate(id, 1, (_, n) => n + 1);
        var status = attempt <= FailuresPerEvent ? 500 : 200;
        Received.Enqueue(new ReceivedWebhook(id, timestamp, signature, body, DateTimeOffset.UtcNow, status));
        http.Response.StatusCode = status;
    }

    /// <summary>Waits until a request matching <paramref name="accepted"/> was answered 200.</summary>
    public async Task<ReceivedWebhook> WaitForAsync(Func<ReceivedWebhook, bool> accepted, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            if (Received.FirstOrDefault(r => r.Answered == 200 && accepted(r)) is { } found) return found;
            if (DateTime.UtcNow > until)
                throw new TimeoutException($"No matching webhook within {deadline}; received: {string.Join(" | ", Received.Select(r => $"{r.Answered} {r.Body}"))}");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
