namespace TuningService.Api.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>The keys in force, re-read on configuration reloads (<see cref="ActiveApiKeys"/>).</summary>
    public static IServiceCollection AddApiKeySecurity(this IServiceCollection services, ConfigurationReloadFailures reloadFailures)
    {
        services.AddSingleton(reloadFailures);
        services.AddSingleton<ActiveApiKeys>();
        return services;
    }
}
