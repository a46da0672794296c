namespace TuningService.Core.ChatTemplates;

/// <summary><c>{% with a = x, b = y %}…{% endwith %}</c>: the values are evaluated outside, bound in a child scope.</summary>
internal sealed class WithStmt(IReadOnlyList<(AssignTarget Target, Expr Value)> bindings, IReadOnlyList<Stmt> body, int line, int column)
    : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope)
    {
        var inner = new Scope(scope);
        foreach (var (target, value) in bindings) target.Assign(value.Evaluate(context, scope), inner, context);
        return ExecuteAll(body, context, inner);
    }
}
