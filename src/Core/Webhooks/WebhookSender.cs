using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using TuningService.Core.Common;

namespace TuningService.Core.Webhooks;

/// <summary>
/// Sends one attempt of a webhook: the signed POST, with the Standard Webhooks headers, within
/// <see cref="WebhookOptions.AttemptTimeoutSeconds"/>. A 2xx answer delivers it; anything else, a redirect included
/// (never followed: the target was checked, the place it points to was not), is a failed attempt. No proxy is
/// used, so the address checked is the address connected to.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    readonly WebhookOptions options;
    readonly HttpClient http;

    public WebhookSender(WebhookOptions options)
    {
        this.options = options;
        var allowPrivate = options.AllowPrivateTargets;
        http = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2), // a name's new address is picked up, and checked
            ConnectCallback = (context, ct) => WebhookTargets.ConnectAsync(context.DnsEndPoint, allowPrivate, ct),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("TuningService-Webhooks", "1"));
    }

    public async Task<WebhookAttemptOutcome> SendAsync(string url, string secret, string webhookId, string body, CancellationToken ct)
    {
        var timestamp = Clock.Now();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", webhookId);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSignature.Sign(secret, webhookId, timestamp, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.AttemptTimeoutSeconds));
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300) return new("delivered", status, null, clock.Elapsed);
            if (status is >= 300 and < 400)
                return new("redirect", status, $"The receiver redirected to {response.Headers.Location}; redirects are not followed.", clock.Elapsed);
            return new("http_error", status, $"The receiver answered {status}.", clock.Elapsed);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new("timeout", null, $"No answer within {options.AttemptTimeoutSeconds:0.###} s.", clock.Elapsed);
        }
        catch (HttpRequestException e) when (Find<WebhookTargetRefusedException>(e) is { } refused)
        {
            return new("refused_target", null, refused.Message, clock.Elapsed);
        }
        catch (HttpRequestException e)
        {
            return new("network_error", null, e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message, clock.Elapsed);
        }
    }

    static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
            if (e is T found) return found;
        return null;
    }

    public void Dispose() => http.Dispose();
}
