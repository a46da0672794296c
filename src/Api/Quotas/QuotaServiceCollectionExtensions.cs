namespace TuningService.Api.Quotas;

public static class QuotaServiceCollectionExtensions
{
    /// <summary>Per-owner quotas on jobs and stored bytes, checked where jobs and files are recorded.</summary>
    public static IServiceCollection AddOwnerQuotas(this IServiceCollection services) => services.AddSingleton<OwnerQuotas>();
}
