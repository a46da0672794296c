namespace TuningService.Core.ChatTemplates;

/// <summary>
/// What one render may spend. A template is user input: without these a nested <c>range</c> or a doubling string
/// would hang or exhaust a request. Exceeding one throws <see cref="ChatTemplateException"/>
/// (<see cref="ChatTemplateErrorKind.LimitExceeded"/>).
/// </summary>
public sealed record ChatTemplateLimits
{
    public static ChatTemplateLimits Default { get; } = new();

    /// <summary>Loop iterations (all loops together) plus macro calls in one render.</summary>
    public long MaxSteps { get; init; } = 1_000_000;

    /// <summary>Characters of output, and of any one string or list the template builds.</summary>
    public int MaxOutputLength { get; init; } = 16 * 1024 * 1024;

    /// <summary>Macro calls nested in one another (recursion).</summary>
    public int MaxCallDepth { get; init; } = 100;

    /// <summary>Wall time of one render.</summary>
    public TimeSpan MaxTime { get; init; } = TimeSpan.FromSeconds(5);
}
