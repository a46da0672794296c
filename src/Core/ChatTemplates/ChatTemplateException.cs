namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The one exception a chat template throws: a syntax error, a runtime error, a limit exceeded, or the template's own
/// <c>raise_exception(message)</c>. For <see cref="ChatTemplateErrorKind.Raised"/> the message is the template's
/// message verbatim (what transformers shows, and what the goldens' <c>expected_error</c> holds); the other kinds say
/// where in the template it happened.
/// </summary>
public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(string message, ChatTemplateErrorKind kind, int line = 0, int column = 0)
        : base(message)
    {
        Kind = kind;
        Line = line;
        Column = column;
    }

    public ChatTemplateErrorKind Kind { get; }

    /// <summary>1-based line in the template source, 0 when unknown.</summary>
    public int Line { get; }

    /// <summary>1-based column in the template source, 0 when unknown.</summary>
    public int Column { get; }
}
