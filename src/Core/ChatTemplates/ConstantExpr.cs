namespace TuningService.Core.ChatTemplates;

/// <summary>A literal: string, number, <c>true</c>/<c>false</c>/<c>none</c>.</summary>
internal sealed class ConstantExpr(TemplateValue value, int line, int column) : Expr(line, column)
{
    public TemplateValue Value { get; } = value;

    public override TemplateValue Evaluate(RenderContext context, Scope scope) => Value;
}
