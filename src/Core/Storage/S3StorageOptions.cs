namespace TuningService.Core.Storage;

/// <summary>The <c>Tuning:Storage:S3</c> section: where the bucket is and how to sign in to it.</summary>
public sealed class S3StorageOptions
{
    /// <summary>The endpoint of an S3-compatible server (MinIO, Ceph, ...), e.g. <c>http://minio:9000</c>; empty for AWS itself (then <see cref="Region"/> picks the endpoint).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The region requests are signed for (AWS: the bucket's region).</summary>
    public string Region { get; set; } = "us-east-1";

    public string? Bucket { get; set; }

    /// <summary>A folder inside the bucket that every key goes under (e.g. <c>tuning/</c>), so that several deployments can share a bucket.</summary>
    public string? Prefix { get; set; }

    /// <summary>Address buckets as <c>URL/bucket/key</c> instead of <c>bucket.host/key</c>; most self-hosted servers need it.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>With <see cref="SecretKey"/>: fixed credentials. Leave both out to use the AWS SDK's default chain (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }
}
