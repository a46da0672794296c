using System.Text.Json;
using TuningService.Core.Common;
using TuningService.Core.Persistence;

namespace TuningService.Core.FineTuning;

/// <summary>Builders for the events a job logs.</summary>
public static class JobEvents
{
    public static JobEvent Message(string jobId, string message, string level = "info") => new()
    {
        JobId = jobId, CreatedAt = Clock.Now(), Level = level, Type = "message", Message = message,
    };

    public static JobEvent Metrics(string jobId, int step, object data) => new()
    {
        JobId = jobId, CreatedAt = Clock.Now(), Level = "info", Type = "metrics", Message = $"Step {step}",
        DataJson = JsonSerializer.Serialize(data, JsonSerializerOptions.Web),
    };
}
