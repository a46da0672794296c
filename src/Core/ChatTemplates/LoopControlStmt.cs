namespace TuningService.Core.ChatTemplates;

/// <summary><c>{% break %}</c> or <c>{% continue %}</c> (Jinja's loopcontrols extension, which transformers enables).</summary>
internal sealed class LoopControlStmt(Flow flow, int line, int column) : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope) => flow;
}
