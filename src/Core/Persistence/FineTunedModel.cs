namespace TuningService.Core.Persistence;

/// <summary>A model produced by a succeeded job, usable as the base of a new job. Id: ft:&lt;base&gt;:&lt;suffix&gt;:&lt;job id&gt;.</summary>
public sealed class FineTunedModel
{
    public required string Id { get; init; }
    public required string Owner { get; init; }
    public required string BaseModel { get; init; }
    public required string JobId { get; init; }
    public long CreatedAt { get; init; }
    public required string RelativePath { get; init; }
}
