namespace TuningService.Core.ChatTemplates;

/// <summary><c>a and b</c> / <c>a or b</c>, short-circuiting and returning an operand, as Python does
/// (<c>x or 'default'</c> is x when x is truthy).</summary>
internal sealed class LogicalExpr(bool isAnd, Expr left, Expr right, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var a = left.Evaluate(context, scope);
        return a.IsTrue == isAnd ? right.Evaluate(context, scope) : a;
    }
}
