using TuningService.Core.Inference;

namespace TuningService.Api.Completions;

public static class CompletionsServiceCollectionExtensions
{
    /// <summary>The inference model cache, the generation gate and the runner the completion endpoints share.</summary>
    public static IServiceCollection AddCompletions(this IServiceCollection services)
    {
        services.AddSingleton<ModelCache>();
        services.AddSingleton<GenerationGate>();
        services.AddScoped<CompletionRunner>();
        return services;
    }
}
