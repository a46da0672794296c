namespace TuningService.Core.ChatTemplates;

/// <summary><c>a if test else b</c>; without <c>else</c> a false test yields undefined (prints as "").</summary>
internal sealed class ConditionalExpr(Expr test, Expr whenTrue, Expr? whenFalse, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        if (test.Evaluate(context, scope).IsTrue) return whenTrue.Evaluate(context, scope);
        return whenFalse?.Evaluate(context, scope)
            ?? UndefinedValue.WithHint($"the inline if-expression on line {Line} evaluated to false and no else section was defined.");
    }
}
