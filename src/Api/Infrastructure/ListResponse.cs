namespace TuningService.Api.Infrastructure;

/// <summary>OpenAI's list object: {"object": "list", "data": [...], "has_more", "first_id", "last_id"}.</summary>
public sealed record ListResponse<T>(IReadOnlyList<T> Data, bool HasMore, string? FirstId, string? LastId)
{
    public string Object => "list";
}

public static class ListResponse
{
    public static ListResponse<T> Of<T>(IReadOnlyList<T> page, bool hasMore, Func<T, string> id) =>
        new(page, hasMore, page.Count > 0 ? id(page[0]) : null, page.Count > 0 ? id(page[^1]) : null);

    /// <summary>Checks a `limit` query value against 1..max, defaulting when absent.</summary>
    public static int Limit(int? limit, int defaultLimit, int max)
    {
        var value = limit ?? defaultLimit;
        if (value < 1 || value > max) throw ApiException.BadRequest($"limit must be between 1 and {max}, got {value}.", "limit");
        return value;
    }
}
