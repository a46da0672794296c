namespace TuningService.Api.Tests.Support;

public static class JobMetrics
{
    /// <summary>The job's train_loss per step, from GET .../metrics.</summary>
    public static async Task<IReadOnlyList<(int Step, double Loss)>> TrainLossesAsync(ApiClient api, string jobId) =>
        (await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}/metrics"))["data"]!.AsArray()
            .Select(p => (p!["step"]!.GetValue<int>(), p["train_loss"]!.GetValue<double>())).ToList();

    public static async Task WaitForStepAsync(ApiClient api, string jobId, int step, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            var job = await api.GetJsonAsync($"/v1/fine_tuning/jobs/{jobId}");
            if (job["progress"]!["step"]!.GetValue<int>() >= step) return;
            var status = job["status"]!.GetValue<string>();
            if (status is "succeeded" or "failed" or "cancelled") throw new InvalidOperationException($"Job {jobId} ended ({status}) before step {step}: {job}");
            if (DateTime.UtcNow > until) throw new TimeoutException($"Job {jobId} did not reach step {step}: {job}");
            await Task.Delay(100);
        }
    }
}
