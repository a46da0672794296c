using TuningService.Core.Webhooks;

namespace TuningService.Core.Tests.Webhooks;

/// <summary>The default retry schedule: exponential from 10 s, each wait at most 2 h, no try later than 24 h after the event.</summary>
public sealed class WebhookBackoffTests
{
    [Fact]
    public void The_default_waits_double_from_ten_seconds_up_to_two_hours()
    {
        var options = new WebhookOptions();
        var waits = Enumerable.Range(1, 12).Select(n => WebhookBackoff.Delay(options, n).TotalSeconds).ToList();
        Assert.Equal([10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 7200, 7200], waits);
    }

    [Fact]
    public void Retries_go_on_for_24_hours_after_the_event_and_then_stop()
    {
        var options = new WebhookOptions();
        const long eventAt = 1_800_000_000;
        var now = eventAt * 1000;
        var attempt = 1;
        long? next = now;
        var tries = new List<long>();
        while (next is { } at)
        {
            tries.Add(at);
            next = WebhookBackoff.NextAttempt(options, attempt++, eventAt, at);
        }
        var last = TimeSpan.FromMilliseconds(tries[^1] - now);
        Assert.InRange(last, TimeSpan.FromHours(22), TimeSpan.FromHours(24));
        Assert.Equal(21, tries.Count); // 11 doubling waits (to 2 h), then every 2 h until the next would pass 24 h
    }
}
