namespace TuningService.Core.ChatTemplates;

/// <summary><c>{% filter upper %}…{% endfilter %}</c>: writes the block's text through the filters.</summary>
internal sealed class FilterBlockStmt(IReadOnlyList<(string Name, ArgumentList Arguments)> filters, IReadOnlyList<Stmt> body, int line, int column)
    : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope)
    {
        context.PushCapture();
        string text;
        Flow flow;
        try { flow = ExecuteAll(body, context, scope); }
        finally { text = context.PopCapture(); }
        TemplateValue value = new StringValue(text);
        foreach (var (name, arguments) in filters)
        {
            var args = arguments.Evaluate(context, scope);
            context.At(Line, Column);
            value = TemplateFilters.Apply(name, value, args, context);
        }
        value.WriteStr(context.Output);
        context.CheckOutput();
        return flow;
    }
}
