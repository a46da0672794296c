namespace TuningService.Api.RequestIds;

/// <summary>
/// A request's id: the caller's <c>X-Request-Id</c> when it is sane (1 to 128 printable ASCII characters, no spaces:
/// it goes into logs and a response header), else a new one shaped like OpenAI's (<c>req_</c> and 32 hex digits).
/// </summary>
public static class RequestId
{
    public const string Header = "x-request-id";
    const int MaxLength = 128;

    public static string For(string? presented) =>
        presented is { Length: > 0 and <= MaxLength } && presented.All(c => c is > ' ' and <= '~') ? presented : $"req_{Guid.NewGuid():N}";
}
