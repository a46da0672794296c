namespace TuningService.Api.Files;

public static class FilesServiceCollectionExtensions
{
    /// <summary>The gate that bounds dataset operations (stats, preview, clean, split): <see cref="DatasetOperationGate"/>.</summary>
    public static IServiceCollection AddDatasetOperations(this IServiceCollection services) =>
        services.AddSingleton<DatasetOperationGate>();
}
