namespace TuningService.Core.ChatTemplates;

/// <summary><c>-x</c>, <c>+x</c> or <c>not x</c>.</summary>
internal sealed class UnaryExpr(char op, Expr operand, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var value = operand.Evaluate(context, scope);
        At(context);
        return op switch
        {
            '-' => PythonOps.Negate(value),
            '+' => PythonOps.Plus(value),
            _ => BoolValue.Of(!value.IsTrue),
        };
    }
}
