namespace TuningService.Api.Infrastructure;

/// <summary>The error body every failed request gets: {"error": {"message", "type", "param", "code"}}.</summary>
public sealed record OpenAiError(OpenAiErrorDetail Error)
{
    public static OpenAiError Of(string message, string type, string? param = null, string? code = null) =>
        new(new OpenAiErrorDetail(message, type, param, code));
}

public sealed record OpenAiErrorDetail(string Message, string Type, string? Param, string? Code);
