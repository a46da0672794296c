namespace TuningService.Core.ChatTemplates;

/// <summary><c>{% set name | filters %}…{% endset %}</c>: binds the block's rendered text, optionally filtered.</summary>
internal sealed class SetBlockStmt(AssignTarget target, IReadOnlyList<(string Name, ArgumentList Arguments)> filters, IReadOnlyList<Stmt> body, int line, int column)
    : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope)
    {
        context.PushCapture();
        string text;
        try { ExecuteAll(body, context, scope); }
        finally { text = context.PopCapture(); }
        TemplateValue value = new StringValue(text);
        foreach (var (name, arguments) in filters)
        {
            var args = arguments.Evaluate(context, scope);
            context.At(Line, Column);
            value = TemplateFilters.Apply(name, value, args, context);
        }
        target.Assign(value, scope, context);
        return Flow.Normal;
    }
}
