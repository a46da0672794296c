namespace TuningService.Core.ChatTemplates;

/// <summary>
/// <c>{% generation %}…{% endgeneration %}</c>, the tag transformers' AssistantTracker adds to mark assistant text for
/// <c>return_assistant_tokens_mask</c>. It renders its body unchanged, as in plain rendering.
/// </summary>
internal sealed class GenerationStmt(IReadOnlyList<Stmt> body, int line, int column) : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope) => ExecuteAll(body, context, scope);
}
