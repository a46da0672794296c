namespace TuningService.Core.ChatTemplates;

/// <summary>An arithmetic operator: <c>+ - * / // % **</c> with Python's semantics (<c>+</c> concatenates strings
/// and lists, <c>%</c> on a string formats).</summary>
internal sealed class BinaryExpr(string op, Expr left, Expr right, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var a = left.Evaluate(context, scope);
        var b = right.Evaluate(context, scope);
        At(context);
        return op switch
        {
            "+" => PythonOps.Add(a, b, context),
            "-" => PythonOps.Subtract(a, b),
            "*" => PythonOps.Multiply(a, b, context),
            "/" => PythonOps.Divide(a, b),
            "//" => PythonOps.FloorDivide(a, b),
            "%" => PythonOps.Modulo(a, b, context),
            "**" => PythonOps.Power(a, b),
            _ => throw new InvalidOperationException(op),
        };
    }
}
