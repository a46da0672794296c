namespace TuningService.Core.ChatTemplates;

/// <summary>How a statement finished: normally, or by <c>{% break %}</c> / <c>{% continue %}</c> (which the
/// enclosing <c>for</c> handles; returned instead of thrown, so loop controls cost nothing).</summary>
internal enum Flow
{
    Normal,
    Break,
    Continue,
}
