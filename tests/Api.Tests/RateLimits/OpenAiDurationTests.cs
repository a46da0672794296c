using TuningService.Api.RateLimits;

namespace TuningService.Api.Tests.RateLimits;

/// <summary>x-ratelimit-reset-requests is written as OpenAI writes it (Go's duration text).</summary>
public sealed class OpenAiDurationTests
{
    [Theory]
    [InlineData(0, "0s")]
    [InlineData(120, "120ms")]
    [InlineData(1000, "1s")]
    [InlineData(1500, "1.5s")]
    [InlineData(360_000, "6m0s")]
    [InlineData(3_723_000, "1h2m3s")]
    public void Durations_read_as_OpenAIs(int milliseconds, string expected) =>
        Assert.Equal(expected, OpenAiDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
