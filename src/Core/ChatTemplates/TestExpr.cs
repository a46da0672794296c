namespace TuningService.Core.ChatTemplates;

/// <summary><c>value is name(args)</c> (<c>is not</c> is parsed as <c>not (value is name)</c>).</summary>
internal sealed class TestExpr(Expr operand, string name, ArgumentList arguments, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var value = operand.Evaluate(context, scope);
        var args = arguments.Evaluate(context, scope);
        At(context);
        return BoolValue.Of(TemplateTests.Run(name, value, args, context));
    }
}
