namespace TuningService.Core.Files;

/// <summary>One message of a chat record. <paramref name="Weight"/> is 0 or 1 on assistant messages, else null.</summary>
public sealed record ChatMessage(string Role, string Content, int? Weight = null)
{
    /// <summary>Whether the model should learn to produce this message (assistant, weight absent or 1).</summary>
    public bool IsTrainable => Role == ChatRoles.Assistant && Weight != 0;
}
