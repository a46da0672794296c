using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary><c>a ~ b ~ c</c>: each operand converted with <c>str()</c> (undefined gives "") and joined.</summary>
internal sealed class ConcatExpr(IReadOnlyList<Expr> parts, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var sb = new StringBuilder();
        foreach (var part in parts) part.Evaluate(context, scope).WriteStr(sb);
        At(context);
        context.CheckLength(sb.Length);
        return new StringValue(sb.ToString());
    }
}
