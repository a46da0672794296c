namespace TuningService.Core.ChatTemplates;

/// <summary>Template text outside tags, already trimmed by the lexer's whitespace rules.</summary>
internal sealed class TextStmt(string text, int line, int column) : Stmt(line, column)
{
    public override Flow Execute(RenderContext context, Scope scope)
    {
        context.Output.Append(text);
        context.CheckOutput();
        return Flow.Normal;
    }
}
