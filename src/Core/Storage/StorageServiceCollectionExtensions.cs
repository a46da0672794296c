using Microsoft.Extensions.DependencyInjection;

namespace TuningService.Core.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>Registers the configured <see cref="IArtifactStore"/> as a singleton (the S3 client is meant to be shared).</summary>
    public static IServiceCollection AddArtifactStore(this IServiceCollection services, ArtifactStorageOptions options, string dataDir)
    {
        var store = ArtifactStoreFactory.Create(options, dataDir); // here, so that bad settings fail start-up at once
        services.AddSingleton(options);
        services.AddSingleton<IArtifactStore>(_ => store); // a factory, so that the container disposes it
        return services;
    }
}
