namespace TuningService.Core.Common;

/// <summary>Unix seconds, the unit of every timestamp in the OpenAI API.</summary>
public static class Clock
{
    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
