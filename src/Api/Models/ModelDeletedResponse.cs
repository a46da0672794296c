namespace TuningService.Api.Models;

/// <summary>OpenAI's answer to a model deletion: {"id", "object": "model", "deleted": true}.</summary>
public sealed record ModelDeletedResponse(string Id, bool Deleted)
{
    public string Object => "model";
}
