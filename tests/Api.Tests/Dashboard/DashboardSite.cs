using System.Net.Http.Headers;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Dashboard;

/// <summary>
/// The real API on a real TCP port (Kestrel: a browser cannot reach the in-memory TestServer) with two owners' keys,
/// and Debian's headless chromium driven by Playwright. The browser is the system one (<see cref="ChromiumPath"/>):
/// Playwright's own browser download needs the internet, which the build machines do not have.
/// </summary>
public sealed class DashboardSite : IAsyncLifetime
{
    public const string AliceKey = "key-alice";
    public const string BobKey = "key-bob";

    /// <summary>Debian's package; CHROMIUM_PATH overrides it (another distribution's path).</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Set (to a folder) by scripts/dashboard-screenshots.sh: the tests then save each page there as a PNG.</summary>
    public static string? ScreenshotDir => Environment.GetEnvironmentVariable("DASHBOARD_SCREENSHOTS") is { Length: > 0 } dir ? dir : null;

    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:ApiKeys:0:Key"] = AliceKey, ["Tuning:ApiKeys:0:Owner"] = "alice",
        ["Tuning:ApiKeys:1:Key"] = BobKey, ["Tuning:ApiKeys:1:Owner"] = "bob",
    });
    IPlaywright? playwright;

    public Uri BaseAddress { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = LoopbackPort.Free();
        factory.UseKestrel(port);
        factory.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Assert.True(File.Exists(ChromiumPath), $"chromium not found at {ChromiumPath}: apt-get install chromium (.ci/run does) or set CHROMIUM_PATH.");
        // Playwright's 5 s default is short for a 2-core machine that trains beside the test (a dry run tokenizes the file).
        Assertions.SetDefaultExpectTimeout(60_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>An HTTP client for the same server with an owner's key, for what the test sets up without the browser.</summary>
    public ApiClient Api(string key)
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new ApiClient(http);
    }

    /// <summary>A fresh browser session (its own sessionStorage) on a laptop-sized window, signed in with <paramref name="key"/>
    /// through the key dialog the dashboard opens when the API answers 401.</summary>
    public async Task<IPage> OpenAsync(string key)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1366, Height = 768 }, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(new Uri(BaseAddress, "/ui/#/jobs").ToString());
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "API key" });
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await page.GetByLabel("Key", new() { Exact = true }).FillAsync(key);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        return page;
    }

    /// <summary>Checks the page as it is now against axe-core's WCAG 2 A and AA rules (labels, names, contrast, landmarks),
    /// then saves its screenshot when asked to.</summary>
    public static async Task CheckAndScreenshotAsync(IPage page, string name)
    {
        var results = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa"] } });
        var violations = results.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html))})").ToList();
        Assert.NotEmpty(results.Passes); // axe really ran its rules on the page
        Assert.True(violations.Count == 0, $"accessibility problems on {name}:\n{string.Join("\n", violations)}");
        await ScreenshotAsync(page, name);
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (ScreenshotDir is not { } dir) return;
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new() { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
        factory.Dispose();
    }
}
