namespace TuningService.Core.ChatTemplates;

/// <summary>A dict literal <c>{"string": "str", "number": "float"}</c>.</summary>
internal sealed class DictExpr(IReadOnlyList<(Expr Key, Expr Value)> pairs, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var values = new List<KeyValuePair<TemplateValue, TemplateValue>>(pairs.Count);
        foreach (var (key, value) in pairs) values.Add(new(key.Evaluate(context, scope), value.Evaluate(context, scope)));
        At(context);
        return new DictValue(values);
    }
}
