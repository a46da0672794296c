namespace TuningService.Core.Files;

/// <summary>
/// Turns a chat record into a training example in a model's own conversation format. The model's chat template
/// (see Core/Chat) implements it; without one, chat records get <see cref="PlainChatTemplate"/>. Declared here so
/// that the readers of this folder can take it without depending on the template engine.
/// </summary>
public interface IChatExampleRenderer
{
    /// <summary>Names the format for cache keys: two renderers with the same fingerprint render every record alike.</summary>
    string Fingerprint { get; }

    TrainingExample Render(IReadOnlyList<ChatMessage> messages, string? task);

    /// <summary>A preference record: the prompt messages with each answer (<see cref="TrainingExample.Rejected"/> the non-preferred).</summary>
    TrainingExample RenderPreference(IReadOnlyList<ChatMessage> messages, string preferred, string nonPreferred, string? task);
}
