namespace TuningService.Api.Infrastructure;

/// <summary>A request that cannot be served, answered with OpenAI's error shape and the given status.</summary>
public sealed class ApiException(int status, string message, string? param = null, string? code = null, string type = "invalid_request_error")
    : Exception(message)
{
    public int Status { get; } = status;
    public string? Param { get; } = param;
    public string? Code { get; } = code;
    public string Type { get; } = type;

    public static ApiException BadRequest(string message, string? param = null, string? code = null) => new(400, message, param, code);

    public static ApiException NotFound(string what, string id, string? param = null) =>
        new(404, $"No {what} found with id '{id}'.", param, "not_found");
}
