namespace TuningService.Core.ChatTemplates;

/// <summary><c>target[key]</c>: the item first, then, for a string key, the attribute.</summary>
internal sealed class ItemExpr(Expr target, Expr key, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var value = target.Evaluate(context, scope);
        var index = key.Evaluate(context, scope);
        At(context);
        return value.GetItem(index);
    }
}
