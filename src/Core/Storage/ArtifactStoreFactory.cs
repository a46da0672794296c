using TuningService.Core.Configuration;

namespace TuningService.Core.Storage;

/// <summary>Builds the store that <c>Tuning:Storage</c> asks for, after checking the settings it needs.</summary>
public static class ArtifactStoreFactory
{
    /// <param name="dataDir">Tuning:DataDir: the local store's folder, and the S3 store's scratch space for uploads of unknown length.</param>
    public static IArtifactStore Create(ArtifactStorageOptions options, string dataDir)
    {
        var kind = (options.Kind ?? "").Trim().ToLowerInvariant();
        switch (kind)
        {
            case "" or ArtifactStorageOptions.LocalKind:
                return new LocalArtifactStore(dataDir);
            case ArtifactStorageOptions.S3Kind:
                ThrowIfInvalid(options.S3);
                return new S3ArtifactStore(options.S3, Path.Combine(Path.GetFullPath(dataDir), ArtifactKeys.ReservedFolder, "tmp"));
            default:
                throw new StartupException($"Invalid configuration: {ArtifactStorageOptions.Section}:Kind is '{options.Kind}' but must be " +
                    $"'{ArtifactStorageOptions.LocalKind}' or '{ArtifactStorageOptions.S3Kind}'. Fix it in appsettings.json or the environment (Tuning__Storage__Kind).");
        }
    }

    static void ThrowIfInvalid(S3StorageOptions s3)
    {
        const string s = ArtifactStorageOptions.Section + ":S3";
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(s3.Bucket)) problems.Add($"{s}:Bucket is not set (the bucket that holds the artifacts)");
        if (!string.IsNullOrWhiteSpace(s3.ServiceUrl)
            && !(Uri.TryCreate(s3.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            problems.Add($"{s}:ServiceUrl '{s3.ServiceUrl}' is not an http(s) URL (e.g. http://minio:9000)");
        if (string.IsNullOrWhiteSpace(s3.AccessKey) != string.IsNullOrWhiteSpace(s3.SecretKey))
            problems.Add($"{s}:AccessKey and {s}:SecretKey must be set together (or both left out for the AWS default credential chain)");
        if (string.IsNullOrWhiteSpace(s3.Region)) problems.Add($"{s}:Region is empty (use the bucket's region, or us-east-1 for most self-hosted servers)");
        if (!string.IsNullOrEmpty(s3.Prefix))
        {
            try { ArtifactKeys.Folder(s3.Prefix); }
            catch (ArgumentException e) { problems.Add($"{s}:Prefix: {e.Message.TrimEnd('.')}"); }
        }
        if (problems.Count > 0)
            throw new StartupException($"Invalid configuration: {string.Join("; ", problems)}. Fix it in appsettings.json or the environment (Tuning__Storage__S3__...).");
    }
}
