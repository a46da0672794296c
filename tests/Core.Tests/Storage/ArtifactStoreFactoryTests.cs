using TuningService.Core.Configuration;
using TuningService.Core.Storage;

namespace TuningService.Core.Tests.Storage;

/// <summary>The store Tuning:Storage asks for, and settings that cannot work stopping start-up by name.</summary>
public sealed class ArtifactStoreFactoryTests
{
    readonly string dataDir = Path.Combine(Path.GetTempPath(), $"artifact-factory-{Guid.NewGuid():N}");

    [Fact]
    public void Local_is_the_default_and_S3_is_chosen_by_kind()
    {
        Assert.IsType<LocalArtifactStore>(ArtifactStoreFactory.Create(new ArtifactStorageOptions(), dataDir));
        using var s3 = Assert.IsType<S3ArtifactStore>(ArtifactStoreFactory.Create(new ArtifactStorageOptions
        {
            Kind = "S3", S3 = { ServiceUrl = "http://127.0.0.1:9000", Bucket = "artifacts", Prefix = "tuning", ForcePathStyle = true },
        }, dataDir));
        Assert.Equal("s3://artifacts/tuning/ at http://127.0.0.1:9000", s3.Description);
    }

    [Fact]
    public void An_unknown_kind_names_the_setting_and_the_choices()
    {
        var e = Assert.Throws<StartupException>(() => ArtifactStoreFactory.Create(new ArtifactStorageOptions { Kind = "gcs" }, dataDir));

        Assert.Contains("Tuning:Storage:Kind is 'gcs'", e.Message);
        Assert.Contains("'local' or 's3'", e.Message);
    }

    [Fact]
    public void Incomplete_S3_settings_are_all_named_at_once()
    {
        var e = Assert.Throws<StartupException>(() => ArtifactStoreFactory.Create(new ArtifactStorageOptions
        {
            Kind = "s3", S3 = { ServiceUrl = "minio:9000/", AccessKey = "key", Prefix = "../up" },
        }, dataDir));

        Assert.Contains("Tuning:Storage:S3:Bucket is not set", e.Message);
        Assert.Contains("Tuning:Storage:S3:ServiceUrl 'minio:9000/' is not an http(s) URL", e.Message);
        Assert.Contains("Tuning:Storage:S3:AccessKey and Tuning:Storage:S3:SecretKey must be set together", e.Message);
        Assert.Contains("Tuning:Storage:S3:Prefix", e.Message);
    }
}
