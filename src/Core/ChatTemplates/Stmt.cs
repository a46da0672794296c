namespace TuningService.Core.ChatTemplates;

/// <summary>A statement of the template's syntax tree: text, <c>{{ … }}</c>, or a <c>{% … %}</c> tag.</summary>
internal abstract class Stmt(int line, int column)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public abstract Flow Execute(RenderContext context, Scope scope);

    public static Flow ExecuteAll(IReadOnlyList<Stmt> body, RenderContext context, Scope scope)
    {
        for (var i = 0; i < body.Count; i++)
        {
            var flow = body[i].Execute(context, scope);
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }
}
