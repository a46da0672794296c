namespace TuningService.Core.ChatTemplates;

/// <summary><c>{% set target = expr %}</c>: binds in the current scope (the render's root at top level, so
/// <c>{% set messages = messages[1:] %}</c> rebinds for the rest of the template).</summary>
internal sealed class SetStmt(AssignTarget target, Expr value, int line, int column) : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope)
    {
        target.Assign(value.Evaluate(context, scope), scope, context);
        return Flow.Normal;
    }
}
