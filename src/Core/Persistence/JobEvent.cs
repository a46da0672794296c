namespace TuningService.Core.Persistence;

/// <summary>A line in a job's log: a message, or a metrics record (type "metrics", data in <see cref="DataJson"/>).</summary>
public sealed class JobEvent
{
    public long Id { get; init; }
    public required string JobId { get; init; }
    public long CreatedAt { get; init; }
    public required string Level { get; init; }
    public required string Type { get; init; }
    public required string Message { get; init; }
    public string? DataJson { get; init; }
}
