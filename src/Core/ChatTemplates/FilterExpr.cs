namespace TuningService.Core.ChatTemplates;

/// <summary><c>value | name(args)</c>. The name was checked when the template was parsed.</summary>
internal sealed class FilterExpr(Expr operand, string name, ArgumentList arguments, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var value = operand.Evaluate(context, scope);
        var args = arguments.Evaluate(context, scope);
        At(context);
        return TemplateFilters.Apply(name, value, args, context);
    }
}
