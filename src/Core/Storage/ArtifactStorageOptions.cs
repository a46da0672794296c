namespace TuningService.Core.Storage;

/// <summary>The <c>Tuning:Storage</c> configuration section (environment: Tuning__Storage__Kind, Tuning__Storage__S3__Bucket, ...).</summary>
public sealed class ArtifactStorageOptions
{
    public const string Section = "Tuning:Storage";
    public const string LocalKind = "local";
    public const string S3Kind = "s3";

    /// <summary><c>local</c> (files under Tuning:DataDir, the default) or <c>s3</c> (an S3-compatible bucket, see <see cref="S3"/>).</summary>
    public string Kind { get; set; } = LocalKind;

    public S3StorageOptions S3 { get; set; } = new();
}
