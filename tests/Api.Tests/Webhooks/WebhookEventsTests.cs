using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Webhooks;

/// <summary>Embedded mode (SQLite): pause and cancel events, the event-type filter, and a private target refused at delivery time.</summary>
public sealed class WebhookEventsTests
{
    static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    static object LongJob(string file) => new
    {
        model = "babyllama-tinystories", training_file = file, seed = 5,
        method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 50, batch_size = 8 } } },
    };

    [Fact]
    public async Task Pause_and_cancel_are_sent_to_each_endpoint_that_wants_them()
    {
        await using var all = new WebhookReceiver();
        await using var cancelledOnly = new WebhookReceiver();
        using var factory = new TuningApiFactory(settings: WebhookDeliveryTests.FastRetries());
        var api = new ApiClient(factory.CreateClient());
        (_, all.Secret) = await WebhookDeliveryTests.RegisterAsync(api, all.Url);
        (_, cancelledOnly.Secret) = await WebhookDeliveryTests.RegisterAsync(api, cancelledOnly.Url, "fine_tuning.job.cancelled");

        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var jobId = (await api.CreateJobAsync(LongJob(file)))["id"]!.GetValue<string>();
        // The answer comes when the worker has stopped, or after its wait (a slow checkpoint on a busy machine).
        Assert.True((await api.Http.PostAsync($"/v1/fine_tuning/jobs/{jobId}/pause", null)).IsSuccessStatusCode);
        await WaitForStatusAsync(api, jobId, "paused");
        var cancelled = await ApiClient.JsonAsync(await api.Http.PostAsync($"/v1/fine_tuning/jobs/{jobId}/cancel", null));
        Assert.True(cancelled["status"]!.GetValue<string>() == "cancelled", $"{cancelled}");

        var pausedEvent = await all.WaitForAsync(r => r.Type == "fine_tuning.job.paused", Deadline);
        var cancelledEvent = await all.WaitForAsync(r => r.Type == "fine_tuning.job.cancelled", Deadline);
        Assert.Equal(jobId, pausedEvent.Json["data"]!["id"]!.GetValue<string>());
        Assert.Equal(jobId, cancelledEvent.Json["data"]!["id"]!.GetValue<string>());
        var filtered = await cancelledOnly.WaitForAsync(r => r.Type == "fine_tuning.job.cancelled", Deadline);
        // One event, one id, whichever endpoint it goes to.
        Assert.Equal(cancelledEvent.Id, filtered.Id);
        Assert.All(cancelledOnly.Received, r => Assert.Equal("fine_tuning.job.cancelled", r.Type));
        Assert.Empty(all.VerificationFailures);
        Assert.Empty(cancelledOnly.VerificationFailures);
    }

    static async Task WaitForStatusAsync(ApiClient api, string jobId, string status)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var job = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
            if (job["status"]!.GetValue<string>() == status) return;
            Assert.True(DateTime.UtcNow < until, $"job not {status}: {job}");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task A_private_target_registered_while_allowed_is_refused_at_delivery_once_the_setting_is_off()
    {
        await using var receiver = new WebhookReceiver();
        string endpointId;
        string dataDir;
        using (var allowing = new TuningApiFactory(settings: new Dictionary<string, string>(WebhookDeliveryTests.FastRetries())
               { ["Tuning:RunWorkerInProcess"] = "false" }) { KeepDataDir = true })
        {
            (endpointId, receiver.Secret) = await WebhookDeliveryTests.RegisterAsync(new ApiClient(allowing.CreateClient()), receiver.Url);
            dataDir = allowing.DataDir;
        }
        using var factory = new TuningApiFactory(settings: WebhookDeliveryTests.FastRetries(allowPrivate: false), dataDir: dataDir);
        var api = new ApiClient(factory.CreateClient());
        var file = await api.UploadFileAsync(RepoPaths.Sample("sst2-sentiment-validation.jsonl"));
        var jobId = (await api.CreateJobAsync(LongJob(file)))["id"]!.GetValue<string>();
        await api.Http.PostAsync($"/v1/fine_tuning/jobs/{jobId}/cancel", null);

        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var deliveries = (await api.GetJsonAsync($"/v1/webhook_endpoints/{endpointId}/deliveries"))["data"]!.AsArray();
            var attempts = deliveries.SelectMany(d => d!["attempts"]!.AsArray()).ToList();
            if (attempts.Count > 0)
            {
                var first = attempts[0]!;
                Assert.Null(first["status_code"]);
                Assert.Contains("Tuning:Webhooks:AllowPrivateTargets", first["error"]!.GetValue<string>());
                Assert.Contains(deliveries, d => d!["status"]!.GetValue<string>() == "pending"); // retried later, as any failure
                break;
            }
            Assert.True(DateTime.UtcNow < until, "no delivery attempt was logged");
            await Task.Delay(200);
        }
        Assert.Empty(receiver.Received);
    }
}
