using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TuningService.Api.Tests.Dashboard;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace TuningService.Api.Tests.Infrastructure;

/// <summary>
/// The Swagger UI the app serves at /swagger, in headless chromium, used as a new user would: authorize, upload a
/// file through the form as it is shown, create a job from the example body with only the file id changed, read its
/// status. The same real server and browser as the dashboard tests (<see cref="DashboardSite"/>).
/// </summary>
public sealed class SwaggerUiTests(DashboardSite site, ITestOutputHelper output) : IClassFixture<DashboardSite>
{
    [Fact]
    public async Task Upload_a_file_create_a_job_from_the_example_and_read_its_status_through_swagger_ui()
    {
        var context = await site.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(new Uri(site.BaseAddress, "/swagger").ToString());

        await page.GetByRole(AriaRole.Button, new() { Name = "Authorize", Exact = true }).ClickAsync();
        var dialog = page.Locator(".dialog-ux .modal-ux");
        await dialog.Locator("input").FillAsync(DashboardSite.AliceKey);
        await dialog.Locator("button.authorize").ClickAsync(); // its accessible name is "Apply credentials"
        await dialog.Locator("button.btn-done").ClickAsync();

        // POST /v1/files: the file through the browser's file chooser, purpose picked; every other field as shown.
        var upload = await OpenAndTryAsync(page, "#operations-Files-post_v1_files");
        var training = Path.Combine(ArtifactDir, "swagger-train.jsonl");
        await File.WriteAllLinesAsync(training, Enumerable.Range(0, 16).Select(i =>
            $"{{\"prompt\": \"Review: film number {i} was {(i % 2 == 0 ? "great" : "dull")} . Sentiment:\", \"completion\": \" {(i % 2 == 0 ? "positive" : "negative")}\"}}"));
        var chooser = await page.RunAndWaitForFileChooserAsync(() => upload.Locator("tr[data-property-name=file] input[type=file]").ClickAsync());
        await chooser.SetFilesAsync(training);
        var purpose = upload.Locator("tr[data-property-name=purpose]");
        if (await purpose.Locator("select").CountAsync() > 0) await purpose.Locator("select").SelectOptionAsync("fine-tune");
        else await purpose.Locator("input").FillAsync("fine-tune"); // a text box if the schema ever loses its allowed values
        var file = await ExecuteAsync(upload);
        Assert.StartsWith("file-", file["id"]!.GetValue<string>());
        Assert.Equal(16, file["record_count"]!.GetValue<int>());
        // What the form sent, as Swagger UI shows it: the file and the purpose, no sample values in the optional fields.
        var sent = await upload.Locator(".curl-command").InnerTextAsync();
        Assert.Contains("purpose=fine-tune", sent);
        Assert.DoesNotContain("=string", sent);
        Assert.Contains("'label_map='", sent); // Swagger UI ticks "Send empty value" by itself: an empty field reads as absent
        var uploadShot = Path.Combine(ArtifactDir, "swagger-ui-upload.png");
        await upload.ScreenshotAsync(new() { Path = uploadShot });
        output.WriteLine($"screenshot: {uploadShot}");

        // POST /v1/fine_tuning/jobs: the example body with its placeholder file id replaced, nothing else changed.
        var create = await OpenAndTryAsync(page, "#operations-Fine-tuning-post_v1_fine_tuning_jobs");
        var body = create.Locator("textarea.body-param__text");
        var example = await body.InputValueAsync();
        Assert.Contains("\"file-abc123\"", example);
        Assert.Contains("\"babyllama-tinystories\"", example); // the built-in model: the example runs as it stands
        await body.FillAsync(example.Replace("file-abc123", file["id"]!.GetValue<string>(), StringComparison.Ordinal));
        var job = await ExecuteAsync(create);
        var jobId = job["id"]!.GetValue<string>();
        Assert.StartsWith("ftjob-", jobId);
        Assert.Equal("sst2", job["user_provided_suffix"]!.GetValue<string>());

        // GET /v1/fine_tuning/jobs/{job_id}: its status.
        var retrieve = await OpenAndTryAsync(page, "#operations-Fine-tuning-get_v1_fine_tuning_jobs__job_id_");
        await retrieve.Locator("tr[data-param-name=job_id] input").FillAsync(jobId);
        var shown = await ExecuteAsync(retrieve);
        Assert.Equal(jobId, shown["id"]!.GetValue<string>());
        Assert.Contains(shown["status"]!.GetValue<string>(), new[] { "validating_files", "queued", "running", "succeeded" });
        await SaveScreenshotAsync(page, "swagger-ui-job-status");
    }

    /// <summary>Presses Execute and reads the JSON the response panel shows, after checking its status code is 200.</summary>
    static async Task<JsonObject> ExecuteAsync(ILocator block)
    {
        await block.GetByRole(AriaRole.Button, new() { Name = "Execute" }).ClickAsync();
        var live = block.Locator(".live-responses-table tbody tr").First;
        var status = live.Locator(".response-col_status");
        await Expect(status).ToHaveTextAsync(new Regex(@"^\s*\d{3}"));
        var text = await live.Locator(".response-col_description pre").First.InnerTextAsync();
        Assert.True((await status.InnerTextAsync()).Trim().StartsWith("200", StringComparison.Ordinal), $"Swagger UI got {await status.InnerTextAsync()}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    static async Task<ILocator> OpenAndTryAsync(IPage page, string id)
    {
        var block = page.Locator(id);
        await block.Locator(".opblock-summary").First.ClickAsync();
        await block.GetByRole(AriaRole.Button, new() { Name = "Try it out" }).ClickAsync();
        return block;
    }

    /// <summary>Test artifacts (screenshots) go to artifacts/ beside the test binaries (ignored by git); the path is logged.</summary>
    static string ArtifactDir => Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "artifacts")).FullName;

    async Task SaveScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ArtifactDir, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine($"screenshot: {path}");
    }
}
