namespace TuningService.Core.ChatTemplates;

/// <summary><c>{{ expr }}</c>: writes Python's <c>str()</c> of the value (None → "None", undefined → "").</summary>
internal sealed class PrintStmt(Expr expression, int line, int column) : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope)
    {
        expression.Evaluate(context, scope).WriteStr(context.Output);
        context.CheckOutput();
        return Flow.Normal;
    }
}
