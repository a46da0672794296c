using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TuningService.Core.Webhooks;

namespace TuningService.Worker.Webhooks;

/// <summary>
/// Runs <see cref="WebhookDispatchCycle"/> every <see cref="WebhookOptions.PollIntervalSeconds"/> in each process
/// that hosts workers. A pass that fails (the database is away) is logged and the next one tries again: the
/// events wait in the outbox.
/// </summary>
public sealed class WebhookPoller(IServiceScopeFactory scopes, WebhookOptions options, ILogger<WebhookPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.PollIntervalSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                await scope.ServiceProvider.GetRequiredService<WebhookDispatchCycle>().RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogWarning("Webhook dispatch pass failed, retried in {Interval} s: {Error}", interval.TotalSeconds, e.Message);
            }
            try
            {
                await Task.Delay(interval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
