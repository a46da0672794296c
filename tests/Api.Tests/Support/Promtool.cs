using System.Diagnostics;

namespace TuningService.Api.Tests.Support;

/// <summary>
/// Prometheus's own checker of the exposition format and its naming conventions (<c>promtool check metrics</c>,
/// Debian's 'prometheus' package; .ci/run installs it). Missing, it fails the test: a metrics test that skipped
/// would pass without having checked anything.
/// </summary>
static class Promtool
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    /// <summary>Fails with promtool's findings unless it accepts <paramref name="scrape"/> without one.</summary>
    public static async Task CheckMetricsAsync(string scrape)
    {
        var promtool = Find() ?? throw new Xunit.Sdk.XunitException(
            "promtool is not installed, so the /metrics scrape cannot be checked. Install it with " +
            "'apt-get install -y --no-install-recommends prometheus' (Debian's package; .ci/run does this).");
        var start = new ProcessStartInfo(promtool, ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(scrape);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(Timeout);
        await process.WaitForExitAsync(deadline.Token);
        var said = (await output + await error).Trim();
        Assert.True(process.ExitCode == 0 && said.Length == 0, $"promtool check metrics (exit {process.ExitCode}): {said}\n--- scrape ---\n{scrape}");
    }

    static string? Find() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists);
}
