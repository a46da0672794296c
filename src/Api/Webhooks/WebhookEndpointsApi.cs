using Microsoft.EntityFrameworkCore;
using TuningService.Api.Infrastructure;
using TuningService.Core.Common;
using TuningService.Core.Persistence;
using TuningService.Core.Webhooks;

namespace TuningService.Api.Webhooks;

/// <summary>
/// /v1/webhook_endpoints: an owner's endpoints (each owner sees only their own; another's is a 404) and each
/// one's delivery log. The signing secret is in the creation's answer only.
/// </summary>
public static class WebhookEndpointsApi
{
    public static IEndpointRouteBuilder MapWebhookEndpoints(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapGroup("/v1/webhook_endpoints").WithTags("Webhooks");
        endpoints.MapPost("/", Create).WithSummary("Register a URL for your jobs' events; the answer holds its signing secret, shown only this once")
            .WithDescription("Events: " + string.Join(", ", WebhookEventTypes.All) + ". Each is POSTed as OpenAI's event object and signed as " +
                "Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature headers; HMAC-SHA256 with the whsec_ secret), " +
                "retried with exponential backoff for up to 24 h until the endpoint answers 2xx.");
        endpoints.MapGet("/", List).WithSummary("List your webhook endpoints (without their secrets)");
        endpoints.MapGet("/{endpoint_id}", Retrieve).WithSummary("Get a webhook endpoint (without its secret)");
        endpoints.MapDelete("/{endpoint_id}", Delete).WithSummary("Delete a webhook endpoint; its pending deliveries are dropped");
        endpoints.MapGet("/{endpoint_id}/deliveries", Deliveries)
            .WithSummary("The endpoint's delivery log, newest first: each event's status and every attempt (time, status code or error, duration)");
        return app;
    }

    static async Task<WebhookEndpointResponse> Create(CreateWebhookEndpointRequest request, HttpContext http, TuningDbContext db,
        WebhookOptions options, CancellationToken ct)
    {
        var owner = Caller.From(http).Owner;
        if (string.IsNullOrWhiteSpace(request.Url)) throw ApiException.BadRequest("url is required: the http or https URL to POST events to.", "url");
        string? eventTypes = null;
        if (request.EventTypes is not null)
        {
            if (request.EventTypes.Count == 0)
                throw ApiException.BadRequest("event_types must name at least one event type, or be left out for all of them.", "event_types");
            if (request.EventTypes.FirstOrDefault(t => !WebhookEventTypes.All.Contains(t)) is { } unknown)
                throw ApiException.BadRequest($"Unknown event type '{unknown}'; the event types are: {string.Join(", ", WebhookEventTypes.All)}.", "event_types");
            eventTypes = string.Join(' ', request.EventTypes.Distinct());
        }
        if (await WebhookTargets.RefusalAsync(request.Url, options.AllowPrivateTargets, ct) is { } refusal)
            throw ApiException.BadRequest(refusal, "url", "invalid_webhook_url");
        var endpoint = new WebhookEndpoint
        {
            Id = WebhookIds.New("we"), Owner = owner, Url = request.Url, Secret = WebhookSignature.NewSecret(), EventTypes = eventTypes,
            CreatedAt = Clock.Now(),
        };
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        return WebhookEndpointResponse.From(endpoint, withSecret: true);
    }

    static async Task<ListResponse<WebhookEndpointResponse>> List(HttpContext http, TuningDbContext db, CancellationToken ct)
    {
        var owner = Caller.From(http).Owner;
        var all = await db.WebhookEndpoints.AsNoTracking().Where(w => w.Owner == owner)
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).ToListAsync(ct);
        return ListResponse.Of(all.Select(w => WebhookEndpointResponse.From(w)).ToList(), false, w => w.Id);
    }

    static async Task<WebhookEndpointResponse> Retrieve(string endpoint_id, HttpContext http, TuningDbContext db, CancellationToken ct) =>
        WebhookEndpointResponse.From(await FindOwnedAsync(db, endpoint_id, Caller.From(http).Owner, ct));

    static async Task<WebhookEndpointDeletedResponse> Delete(string endpoint_id, HttpContext http, TuningDbContext db, CancellationToken ct)
    {
        var endpoint = await FindOwnedAsync(db, endpoint_id, Caller.From(http).Owner, ct);
        // Its deliveries and their attempts go with it (cascade); an attempt under way finds its delivery gone.
        await db.WebhookEndpoints.Where(w => w.Id == endpoint.Id).ExecuteDeleteAsync(ct);
        return new WebhookEndpointDeletedResponse(endpoint.Id);
    }

    static async Task<ListResponse<WebhookDeliveryResponse>> Deliveries(string endpoint_id, HttpContext http, TuningDbContext db, int? limit,
        CancellationToken ct)
    {
        var endpoint = await FindOwnedAsync(db, endpoint_id, Caller.From(http).Owner, ct);
        var take = ListResponse.Limit(limit, 100, 1000);
        var page = await (from d in db.WebhookDeliveries.AsNoTracking()
                          join e in db.WebhookEvents.AsNoTracking() on d.EventId equals e.Id
                          where d.EndpointId == endpoint.Id
                          orderby d.CreatedAt descending, d.Id descending
                          select new { Delivery = d, Event = e }).Take(take + 1).ToListAsync(ct);
        var shown = page.Take(take).ToList();
        var ids = shown.Select(x => x.Delivery.Id).ToList();
        var attempts = (await db.WebhookAttempts.AsNoTracking().Where(a => ids.Contains(a.DeliveryId)).ToListAsync(ct))
            .OrderBy(a => a.Number).ToLookup(a => a.DeliveryId);
        var data = shown.Select(x => new WebhookDeliveryResponse(x.Delivery.Id, x.Event.Id, x.Event.Type, x.Event.JobId, x.Delivery.CreatedAt,
            x.Delivery.Status, x.Delivery.Status == WebhookDeliveryStatus.Pending ? x.Delivery.NextAttemptAt / 1000 : null,
            attempts[x.Delivery.Id].Select(WebhookAttemptResponse.From).ToList())).ToList();
        return ListResponse.Of(data, page.Count > take, d => d.Id);
    }

    static async Task<WebhookEndpoint> FindOwnedAsync(TuningDbContext db, string id, string owner, CancellationToken ct) =>
        await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(w => w.Id == id && w.Owner == owner, ct)
        ?? throw ApiException.NotFound("webhook endpoint", id, "endpoint_id");
}
