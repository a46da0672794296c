using System.Text;
using System.Text.Json;
using TuningService.Core.Persistence;

namespace TuningService.Core.Webhooks;

/// <summary>
/// The body of a webhook: OpenAI's event object, <c>{"id":"evt_...","object":"event","created_at":...,"type":...,
/// "data":{"id":"ftjob-..."}}</c>; a checkpoint event adds <c>data.checkpoint_id</c>. Built from the stored event
/// alone, so every retry sends the same bytes.
/// </summary>
public static class WebhookEventJson
{
    public static string Serialize(WebhookEvent e)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", e.Id);
            json.WriteString("object", "event");
            json.WriteNumber("created_at", e.CreatedAt);
            json.WriteString("type", e.Type);
            json.WriteStartObject("data");
            json.WriteString("id", e.JobId);
            if (e.CheckpointId is not null) json.WriteString("checkpoint_id", e.CheckpointId);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
