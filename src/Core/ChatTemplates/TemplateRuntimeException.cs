namespace TuningService.Core.ChatTemplates;

/// <summary>
/// A failure while rendering, raised deep inside values and filters where the template position is not known.
/// <see cref="ChatTemplate.Render"/> turns it into a <see cref="ChatTemplateException"/> with the line and column
/// of the expression being evaluated.
/// </summary>
internal sealed class TemplateRuntimeException(string message, ChatTemplateErrorKind kind = ChatTemplateErrorKind.Runtime)
    : Exception(message)
{
    public ChatTemplateErrorKind Kind { get; } = kind;
}
