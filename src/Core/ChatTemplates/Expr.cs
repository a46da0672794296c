namespace TuningService.Core.ChatTemplates;

/// <summary>An expression of the template's syntax tree; evaluating it yields a value (a tree-walking interpreter:
/// the template is parsed once and each render walks the tree).</summary>
internal abstract class Expr(int line, int column)
{
    public int Line { get; } = line;

    public int Column { get; } = column;

    public abstract TemplateValue Evaluate(RenderContext context, Scope scope);

    /// <summary>Records this node as the one being evaluated, so a failure in the operation names its position.</summary>
    protected void At(RenderContext context) => context.At(Line, Column);
}
