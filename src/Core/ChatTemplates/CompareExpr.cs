namespace TuningService.Core.ChatTemplates;

/// <summary>A comparison chain, Python style: <c>a &lt; b &lt;= c</c> is <c>a &lt; b and b &lt;= c</c>. Operators
/// <c>== != &lt; &lt;= &gt; &gt;= in</c> and <c>not in</c>; <c>==</c> compares dicts and lists structurally.</summary>
internal sealed class CompareExpr(Expr first, IReadOnlyList<(string Op, Expr Operand)> rest, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var left = first.Evaluate(context, scope);
        foreach (var (op, operand) in rest)
        {
            var right = operand.Evaluate(context, scope);
            At(context);
            var holds = op switch
            {
                "==" => PythonOps.Equal(left, right),
                "!=" => !PythonOps.Equal(left, right),
                "<" => PythonOps.Compare(left, right, op) < 0,
                "<=" => PythonOps.Compare(left, right, op) <= 0,
                ">" => PythonOps.Compare(left, right, op) > 0,
                ">=" => PythonOps.Compare(left, right, op) >= 0,
                "in" => PythonOps.Contains(right, left),
                "not in" => !PythonOps.Contains(right, left),
                _ => throw new InvalidOperationException(op),
            };
            if (!holds) return BoolValue.False;
            left = right;
        }
        return BoolValue.True;
    }
}
