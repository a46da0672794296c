namespace TuningService.Core.ChatTemplates;

/// <summary><c>f(args)</c>: a macro, a global such as <c>raise_exception</c>, or a method such as <c>content.strip</c>.</summary>
internal sealed class CallExpr(Expr callee, ArgumentList arguments, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var function = callee.Evaluate(context, scope);
        var args = arguments.Evaluate(context, scope);
        At(context);
        return function.Call(args, context);
    }
}
