namespace TuningService.Core.ChatTemplates;

/// <summary><c>target.name</c>: the Python attribute first (a method), then the item.</summary>
internal sealed class AttributeExpr(Expr target, string name, int line, int column) : Expr(line, column)
{
    public Expr Target { get; } = target;

    public string Name { get; } = name;

    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var value = Target.Evaluate(context, scope);
        At(context);
        return value.GetAttribute(Name);
    }
}
