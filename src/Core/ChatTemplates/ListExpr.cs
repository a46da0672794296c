namespace TuningService.Core.ChatTemplates;

/// <summary>A list literal <c>[a, b]</c> or a tuple <c>(a, b)</c>.</summary>
internal sealed class ListExpr(IReadOnlyList<Expr> items, bool isTuple, int line, int column) : Expr(line, column)
{
    public IReadOnlyList<Expr> Items { get; } = items;

    public bool IsTuple { get; } = isTuple;

    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var values = new TemplateValue[Items.Count];
        for (var i = 0; i < values.Length; i++) values[i] = Items[i].Evaluate(context, scope);
        return new ListValue(values, IsTuple);
    }
}
