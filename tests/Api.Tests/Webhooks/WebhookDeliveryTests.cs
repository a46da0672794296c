using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;
using TuningService.Api.Tests.Infrastructure;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Webhooks;

/// <summary>
/// Deliveries end to end, over HTTP to a real receiver on loopback: a job's events arrive signed as Standard
/// Webhooks (checked by the receiver's own verifier and the StandardWebhooks package), failed tries are retried
/// with the same webhook-id and logged, and a replayed or altered request fails verification.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class WebhookDeliveryTests(PostgresServer postgres)
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(5);

    /// <summary>Loopback receivers allowed; retries half a second apart instead of the default's 10 s, 20 s, 40 s...</summary>
    internal static Dictionary<string, string> FastRetries(bool allowPrivate = true) => new()
    {
        ["Tuning:Webhooks:AllowPrivateTargets"] = allowPrivate ? "true" : "false",
        ["Tuning:Webhooks:FirstRetryDelaySeconds"] = "0.5",
        ["Tuning:Webhooks:PollIntervalSeconds"] = "0.2",
    };

    internal static async Task<(string Id, string Secret)> RegisterAsync(ApiClient api, string url, params string[] eventTypes)
    {
        var response = await api.Http.PostAsJsonAsync("/v1/webhook_endpoints", new { url, event_types = eventTypes.Length == 0 ? null : eventTypes });
        var body = await ApiClient.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"register failed: {body}");
        return (body["id"]!.GetValue<string>(), body["secret"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_finished_jobs_events_arrive_signed_and_a_receiver_that_fails_twice_gets_each_on_the_third_try()
    {
        await using var receiver = new WebhookReceiver(failuresPerEvent: 2);
        using var factory = new TuningApiFactory(postgres.CreateDatabase(), FastRetries());
        var api = new ApiClient(factory.CreateClient());
        var (endpointId, secret) = await RegisterAsync(api, receiver.Url);
        receiver.Secret = secret;

        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var jobId = (await api.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = file, seed = 3,
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 8, checkpoint_every_steps = 3 } } },
        }))["id"]!.GetValue<string>();
        var job = await api.WaitForJobAsync(jobId, Deadline);
        Assert.True(job["status"]!.GetValue<string>() == "succeeded", $"{job}");

        var succeeded = await receiver.WaitForAsync(r => r.Type == "fine_tuning.job.succeeded", Deadline);
        var checkpoint = await receiver.WaitForAsync(r => r.Type == "fine_tuning.job.checkpoint.created", Deadline);
        Assert.Empty(receiver.VerificationFailures);

        // OpenAI's event object; its id is the webhook-id.
        var json = succeeded.Json;
        Assert.Equal("event", json["object"]!.GetValue<string>());
        Assert.Equal(succeeded.Id, json["id"]!.GetValue<string>());
        Assert.StartsWith("evt_", succeeded.Id);
        Assert.Equal(jobId, json["data"]!["id"]!.GetValue<string>());
        Assert.InRange(json["created_at"]!.GetValue<long>(), job["finished_at"]!.GetValue<long>() - 5, job["finished_at"]!.GetValue<long>() + 5);
        Assert.Equal(jobId, checkpoint.Json["data"]!["id"]!.GetValue<string>());
        Assert.StartsWith("ftckpt", checkpoint.Json["data"]!["checkpoint_id"]!.GetValue<string>());

        // Two failures, then the third try: the same id and the same body each time.
        var tries = receiver.Received.Where(r => r.Id == succeeded.Id).ToList();
        Assert.Equal([500, 500, 200], tries.Select(t => t.Answered));
        Assert.All(tries, t => Assert.Equal(succeeded.Body, t.Body));

        // The delivery log says the same.
        var deliveries = (await api.GetJsonAsync($"/v1/webhook_endpoints/{endpointId}/deliveries"))["data"]!.AsArray();
        var delivery = deliveries.Single(d => d!["event_id"]!.GetValue<string>() == succeeded.Id)!;
        Assert.Equal("delivered", delivery["status"]!.GetValue<string>());
        Assert.Equal("fine_tuning.job.succeeded", delivery["event_type"]!.GetValue<string>());
        var attempts = delivery["attempts"]!.AsArray();
        Assert.Equal([1, 2, 3], attempts.Select(a => a!["attempt"]!.GetValue<int>()));
        Assert.Equal([500, 500, 200], attempts.Select(a => a!["status_code"]!.GetValue<int>()));
        Assert.NotNull(attempts[0]!["error"]);
        Assert.Null(attempts[2]!["error"]);
        Assert.All(attempts, a => Assert.True(a!["duration_ms"]!.GetValue<int>() >= 0 && a["attempted_at"]!.GetValue<long>() > 0));
        Assert.Contains(deliveries, d => d!["event_type"]!.GetValue<string>() == "fine_tuning.job.checkpoint.created");

        // An altered body, or a captured request replayed with a newer timestamp, fails both verifiers; the
        // unchanged request replayed later than the tolerance fails the receiver's own.
        var altered = succeeded.Body.Replace("fine_tuning.job.succeeded", "fine_tuning.job.failed", StringComparison.Ordinal);
        Assert.False(SignatureCheck.IsValid(secret, succeeded.Id, succeeded.Timestamp, succeeded.Signature, altered, DateTimeOffset.UtcNow));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(altered, Headers(succeeded, succeeded.Timestamp)));
        var fresh = (long.Parse(succeeded.Timestamp) + 2).ToString(); // a replayer moving the timestamp forward to pass the age check
        Assert.False(SignatureCheck.IsValid(secret, succeeded.Id, fresh, succeeded.Signature, succeeded.Body, DateTimeOffset.UtcNow));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(succeeded.Body, Headers(succeeded, fresh)));
        Assert.False(SignatureCheck.IsValid(secret, succeeded.Id, succeeded.Timestamp, succeeded.Signature, succeeded.Body,
            DateTimeOffset.UtcNow + TimeSpan.FromMinutes(10)));
        // The untouched request still verifies with both (the checks above fail for the change, not by accident).
        Assert.True(SignatureCheck.IsValid(secret, succeeded.Id, succeeded.Timestamp, succeeded.Signature, succeeded.Body, DateTimeOffset.UtcNow));
        new StandardWebhook(secret).Verify(succeeded.Body, Headers(succeeded, succeeded.Timestamp));

        // Tries counted by outcome (process-wide counters: other tests in this process may add to them).
        var scrape = new PrometheusScrape(await api.Http.GetStringAsync("/metrics"));
        Assert.True(scrape.Single("tuning_webhook_deliveries_total", ("outcome", "http_error")) >= 2);
        Assert.True(scrape.Single("tuning_webhook_deliveries_total", ("outcome", "delivered")) >= 1);
    }

    [Fact]
    public async Task An_event_written_where_no_worker_runs_waits_in_the_outbox_and_is_delivered_once_one_starts()
    {
        await using var receiver = new WebhookReceiver();
        var database = postgres.CreateDatabase();
        string jobId;
        // The API alone: the cancel commits the job's status and its event together, and nothing here delivers.
        using (var apiOnly = new TuningApiFactory(database, new Dictionary<string, string>(FastRetries()) { ["Tuning:RunWorkerInProcess"] = "false" }))
        {
            var api = new ApiClient(apiOnly.CreateClient());
            (_, receiver.Secret) = await RegisterAsync(api, receiver.Url);
            var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
            jobId = (await api.CreateJobAsync(new { model = "babyllama-tinystories", training_file = file }))["id"]!.GetValue<string>();
            var cancelled = await ApiClient.JsonAsync(await api.Http.PostAsync($"/v1/fine_tuning/jobs/{jobId}/cancel", null));
            Assert.Equal("cancelled", cancelled["status"]!.GetValue<string>());
        }
        Assert.Empty(receiver.Received);

        // A process with workers starts later and finds the event in the outbox.
        using var withWorker = new TuningApiFactory(database, FastRetries());
        var later = new ApiClient(withWorker.CreateClient());
        var received = await receiver.WaitForAsync(r => r.Type == "fine_tuning.job.cancelled", Deadline);
        Assert.Equal(jobId, received.Json["data"]!["id"]!.GetValue<string>());
        Assert.Empty(receiver.VerificationFailures);
        Assert.Single(receiver.Received);
        Assert.Equal("cancelled", (await later.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}"))["status"]!.GetValue<string>());
    }

    static HeaderDictionary Headers(ReceivedWebhook r, string timestamp) => new()
    {
        ["webhook-id"] = new StringValues(r.Id), ["webhook-timestamp"] = new StringValues(timestamp), ["webhook-signature"] = new StringValues(r.Signature),
    };
}
