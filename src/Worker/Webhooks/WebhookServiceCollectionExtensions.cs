using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TuningService.Core.Configuration;
using TuningService.Core.Webhooks;

namespace TuningService.Worker.Webhooks;

public static class WebhookServiceCollectionExtensions
{
    /// <summary>The `Tuning:Webhooks` options (checked: an impossible value stops start-up by name), for the API's registration checks and the delivery.</summary>
    public static WebhookOptions AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        WebhookOptions options;
        try
        {
            options = configuration.GetSection(WebhookOptions.Section).Get<WebhookOptions>() ?? new WebhookOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new StartupException($"Invalid configuration: {e.Message} Fix it in appsettings.json or the environment (Tuning__Webhooks__...).", e);
        }
        var problems = options.Problems().ToList();
        if (problems.Count > 0) throw new StartupException("Invalid configuration: " + string.Join(" ", problems));
        services.AddSingleton(options);
        return options;
    }

    /// <summary>
    /// Delivery, in a process that hosts workers: the poller that fans events out and dispatches due deliveries,
    /// and a Hangfire server for the webhooks queue.
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<IWebhookDeliveryQueue, HangfireWebhookDeliveryQueue>();
        services.AddTransient<WebhookDispatchCycle>();
        services.AddTransient<WebhookDeliveryRunner>();
        services.AddTransient<WebhookDeliveryJob>();
        services.AddHostedService<WebhookPoller>();
        services.AddHangfireServer((sp, o) =>
        {
            o.WorkerCount = sp.GetRequiredService<WebhookOptions>().DeliveryWorkers;
            o.Queues = [HangfireWebhookDeliveryQueue.Queue];
            o.ServerName = $"{Environment.MachineName}:{Environment.ProcessId}:webhooks";
        });
        return services;
    }
}
