using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TuningService.Api.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace TuningService.Api.Tests.Dashboard;

/// <summary>
/// The dashboard at /ui in headless chromium against the real API: what a user clicks, checked by what the page shows.
/// Waits are Playwright's auto-retrying expectations with generous timeouts; nothing asserts how long anything took.
/// </summary>
public sealed class DashboardTests(DashboardSite site) : IClassFixture<DashboardSite>
{
    static readonly LocatorAssertionsToBeVisibleOptions Long = new() { Timeout = 600_000 };

    [Fact]
    public async Task A_dropped_file_uploads_with_progress_and_a_bad_file_shows_its_errors_by_line()
    {
        var page = await site.OpenAsync(DashboardSite.AliceKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).First.ClickAsync();
        var drop = page.GetByTestId("drop-zone");

        await DropFileAsync(page, drop, "good.jsonl", TrainingLines(12));
        await Expect(drop.GetByText(new Regex(@"Uploaded good\.jsonl as file-\S+: 12 records"))).ToBeVisibleAsync();
        await Expect(drop.GetByRole(AriaRole.Progressbar, new() { Name = "Upload progress" })).ToHaveAttributeAsync("value", "1");
        await Expect(page.GetByLabel("Training file")).ToContainTextAsync("good.jsonl");

        var bad = "{\"prompt\": \"a\", \"completion\": \" b\"}\n{\"prompt\": \"c\"}\nnot json\n"u8.ToArray();
        await DropFileAsync(page, drop, "bad.jsonl", bad);
        var errors = drop.Locator(".upload-error");
        await Expect(errors).ToContainTextAsync("nothing was stored");
        await Expect(errors.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "line 2" })).ToContainTextAsync("missing key 'completion'");
        await Expect(errors.GetByRole(AriaRole.Listitem).Filter(new() { HasText = "line 3" })).ToBeVisibleAsync();
        await DashboardSite.CheckAndScreenshotAsync(page, "new-job-upload-errors");
    }

    [Fact]
    public async Task Train_watch_the_chart_grow_evaluate_download_a_checkpoint_and_chat_side_by_side()
    {
        // The validation file goes in through the API; the training file through the page, by drag and drop.
        await site.Api(DashboardSite.AliceKey).UploadContentAsync(ValidationLines(8), "dash-valid.jsonl");
        var page = await site.OpenAsync(DashboardSite.AliceKey);
        await page.GotoAsync(new Uri(site.BaseAddress, "/ui/#/new").ToString());
        await DropFileAsync(page, page.GetByTestId("drop-zone"), "dash-train.jsonl", TrainingLines(48));
        await Expect(page.GetByText(new Regex("Uploaded dash-train.jsonl"))).ToBeVisibleAsync();

        await page.GetByLabel("Validation file").SelectOptionAsync(new SelectOptionValue { Label = await OptionLabelAsync(page.GetByLabel("Validation file"), "dash-valid.jsonl") });
        await page.GetByLabel("Suffix").FillAsync("dash");
        await page.GetByLabel("Test split").FillAsync("0.2");
        await page.GetByLabel("Epochs").FillAsync("3");
        await page.GetByLabel("Batch size").FillAsync("4");
        await page.GetByLabel("Learning rate multiplier").FillAsync("2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Preview the first records" }).ClickAsync();
        await Expect(page.Locator("pre.tokens .tok-loss").First).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Plan (dry run)" }).ClickAsync();
        var plan = page.GetByTestId("dry-run-plan");
        await Expect(plan).ToContainTextAsync(new Regex(@"Steps\s*\d+ \(\d+ per epoch\)"));
        var totalSteps = Regex.Match(await plan.InnerTextAsync(), @"Steps\s*(\d+)").Groups[1].Value;
        await DashboardSite.CheckAndScreenshotAsync(page, "new-job");
        await page.GetByRole(AriaRole.Button, new() { Name = "Start job" }).ClickAsync();

        // The job page: the loss chart gains points while the job trains.
        await Expect(page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Job ftjob-") })).ToBeVisibleAsync();
        var jobId = (await page.GetByRole(AriaRole.Heading, new() { NameRegex = new Regex("^Job ") }).InnerTextAsync())["Job ".Length..];
        var first = await ChartPointsAsync(page);
        await page.WaitForFunctionAsync(
            "n => (Chart.getChart(document.querySelector('canvas[aria-label^=\"Loss curves\"]'))?.data.datasets[0]?.data.length ?? 0) > n",
            first, new() { Timeout = 600_000 });
        await DashboardSite.ScreenshotAsync(page, "job-training");
        await Expect(page.Locator(".status").First).ToHaveTextAsync("succeeded", new() { Timeout = 600_000 });
        await Expect(page.GetByTestId("metric-points")).ToHaveAttributeAsync("data-points", totalSteps);
        await Expect(page.GetByRole(AriaRole.Log, new() { Name = "Job events" })).ToContainTextAsync("ft:babyllama-tinystories:dash");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resume" })).ToBeDisabledAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cancel" })).ToBeDisabledAsync();
        var checkpoints = page.GetByRole(AriaRole.Table, new() { Name = "Checkpoints" });
        await Expect(checkpoints.GetByText("★ best")).ToBeVisibleAsync();
        await DashboardSite.CheckAndScreenshotAsync(page, "job");

        // Download the best checkpoint through the page (a fetch with the key, saved as a file).
        var best = checkpoints.Locator("tr").Filter(new() { HasText = "★ best" });
        var download = await page.RunAndWaitForDownloadAsync(() => best.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Download merged model") }).ClickAsync());
        Assert.Matches($"^{jobId}-step-\\d+\\.tar$", download.SuggestedFilename);
        var saved = Path.Combine(Path.GetTempPath(), $"dash-{Guid.NewGuid():N}.tar");
        await download.SaveAsAsync(saved);
        try
        {
            var content = new ByteArrayContent(await File.ReadAllBytesAsync(saved));
            content.Headers.ContentType = new("application/x-tar");
            var folder = await TarArchive.ExtractSingleFolderAsync(new HttpResponseMessage { Content = content });
            Assert.True(File.Exists(Path.Combine(folder, "model.safetensors")), "the downloaded checkpoint has no model.safetensors");
        }
        finally { File.Delete(saved); }

        // The evaluation: base vs fine-tuned with the change, and the samples side by side.
        await page.GetByRole(AriaRole.Link, new() { Name = "Evaluation" }).ClickAsync();
        await Expect(page.GetByText("complete:")).ToBeVisibleAsync(new() { Timeout = 600_000 });
        var metrics = page.GetByRole(AriaRole.Table, new() { Name = "Metrics before and after" });
        await Expect(metrics.GetByRole(AriaRole.Rowheader).Filter(new() { HasText = "loss" }).First).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Samples" }).Locator("tbody tr").First).ToBeVisibleAsync();
        await DashboardSite.CheckAndScreenshotAsync(page, "evaluation");

        // Chat: base and fine-tuned side by side, both answers streamed in.
        await page.GoBackAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Chat with it" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Model A" })).ToHaveValueAsync("babyllama-tinystories");
        await Expect(page.GetByRole(AriaRole.Combobox, new() { Name = "Model B (optional)" })).ToHaveValueAsync($"ft:babyllama-tinystories:dash:{jobId}");
        await page.GetByLabel("Message").FillAsync("Review: a gorgeous , witty film . Sentiment:");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        foreach (var pane in new[] { "left", "right" })
            await Expect(page.Locator($"[data-pane={pane}] .msg.assistant[data-done=true]")).ToBeVisibleAsync(Long);
        await Expect(page.Locator("#error")).ToBeHiddenAsync();
        await DashboardSite.CheckAndScreenshotAsync(page, "playground");

        foreach (var (route, name) in new[] { ("#/jobs", "jobs"), ("#/files", "files"), ("#/models", "models") })
        {
            await page.GotoAsync(new Uri(site.BaseAddress, "/ui/" + route).ToString());
            await Expect(page.GetByRole(AriaRole.Table).First).ToBeVisibleAsync();
            if (name == "jobs")
            {
                var jobsTable = page.GetByRole(AriaRole.Table, new() { Name = "Jobs" });
                await page.GetByLabel("Status").SelectOptionAsync("failed");
                await Expect(jobsTable).ToContainTextAsync("No job matches the filters.");
                await page.GetByLabel("Status").SelectOptionAsync("succeeded");
                await Expect(jobsTable.GetByRole(AriaRole.Link, new() { Name = jobId })).ToBeVisibleAsync();
            }
            if (name == "files")
            {
                await page.GetByRole(AriaRole.Button, new() { Name = "Statistics of dash-train.jsonl" }).ClickAsync();
                await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Statistics of dash-train.jsonl" })).ToBeVisibleAsync();
                await Expect(page.Locator("dd").Filter(new() { HasText = "positive:" })).ToBeVisibleAsync();
            }
            await DashboardSite.CheckAndScreenshotAsync(page, name);
        }
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Models" })).ToContainTextAsync($"ft:babyllama-tinystories:dash:{jobId}");
    }

    [Fact]
    public async Task Another_owners_key_sees_none_of_it()
    {
        var alice = site.Api(DashboardSite.AliceKey);
        var file = await alice.UploadContentAsync(TrainingLines(8), "alice-private.jsonl");
        var job = await alice.CreateJobAsync(new
        {
            model = "babyllama-tinystories", training_file = file, suffix = "private",
            method = new { type = "supervised", supervised = new { hyperparameters = new { n_epochs = 1, batch_size = 8 } } },
        });
        var jobId = job["id"]!.GetValue<string>();

        var page = await site.OpenAsync(DashboardSite.BobKey);
        await Expect(page.GetByText(new Regex(@"^0 of 0 jobs"))).ToBeVisibleAsync();
        await Expect(page.GetByText(jobId)).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(site.BaseAddress, "/ui/#/files").ToString());
        await Expect(page.GetByText("No files yet.")).ToBeVisibleAsync();
        // A link to Alice's job opened with Bob's key: the API's own 404 message, and nothing of the job.
        await page.GotoAsync(new Uri(site.BaseAddress, $"/ui/#/jobs/{jobId}").ToString());
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(jobId);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("No fine-tuning job found");
        await Expect(page.GetByText("alice-private.jsonl")).ToHaveCountAsync(0);
        await page.GotoAsync(new Uri(site.BaseAddress, "/ui/#/models").ToString());
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Models" })).ToContainTextAsync("babyllama-tinystories");
        await Expect(page.GetByRole(AriaRole.Table, new() { Name = "Models" })).Not.ToContainTextAsync(":private:");
    }

    /// <summary>A drop as the browser delivers it: a DataTransfer holding a File, dispatched on the drop zone.</summary>
    static async Task DropFileAsync(IPage page, ILocator target, string name, byte[] content)
    {
        var dataTransfer = await page.EvaluateHandleAsync("""
            ([name, base64]) => {
              const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
              const transfer = new DataTransfer();
              transfer.items.add(new File([bytes], name, { type: "application/jsonl" }));
              return transfer;
            }
            """, new object[] { name, Convert.ToBase64String(content) });
        await target.DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = dataTransfer });
        await target.DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = dataTransfer });
    }

    static async Task<int> ChartPointsAsync(IPage page) => await page.EvaluateAsync<int>(
        "() => Chart.getChart(document.querySelector('canvas[aria-label^=\"Loss curves\"]'))?.data.datasets[0]?.data.length ?? 0");

    static async Task<string> OptionLabelAsync(ILocator select, string containing)
    {
        var labels = await select.Locator("option").AllInnerTextsAsync();
        return labels.First(l => l.Contains(containing, StringComparison.Ordinal));
    }

    static byte[] TrainingLines(int count) => Lines(RepoPaths.Sample("sst2-sentiment-train.jsonl"), count);

    static byte[] ValidationLines(int count) => Lines(RepoPaths.Sample("sst2-sentiment-validation.jsonl"), count);

    static byte[] Lines(string path, int count) => Encoding.UTF8.GetBytes(string.Join("\n", File.ReadLines(path).Take(count)) + "\n");
}
