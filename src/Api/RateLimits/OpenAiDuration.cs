using System.Globalization;

namespace TuningService.Api.RateLimits;

/// <summary>
/// Durations as OpenAI writes them in x-ratelimit-reset-*: Go's time.Duration text ("1s", "6m0s", "1.5s", "120ms"),
/// which OpenAI's clients and dashboards parse.
/// </summary>
public static class OpenAiDuration
{
    public static string Format(TimeSpan duration)
    {
        var ms = (long)Math.Ceiling(Math.Max(0, duration.TotalMilliseconds));
        if (ms == 0) return "0s";
        if (ms < 1000) return $"{ms}ms";
        var hours = ms / 3_600_000;
        var minutes = ms / 60_000 % 60;
        var seconds = (ms % 60_000 / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
        if (hours > 0) return $"{hours}h{minutes}m{seconds}s";
        if (minutes > 0) return $"{minutes}m{seconds}s";
        return $"{seconds}s";
    }
}
