namespace TuningService.Core.ChatTemplates;

/// <summary><c>{% if %}…{% elif %}…{% else %}…{% endif %}</c>. No new scope: a <c>set</c> inside applies to the
/// enclosing one.</summary>
internal sealed class IfStmt(IReadOnlyList<(Expr Test, IReadOnlyList<Stmt> Body)> branches, IReadOnlyList<Stmt> elseBody, int line, int column)
    : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope)
    {
        foreach (var (test, body) in branches)
            if (test.Evaluate(context, scope).IsTrue) return ExecuteAll(body, context, scope);
        return ExecuteAll(elseBody, context, scope);
    }
}
