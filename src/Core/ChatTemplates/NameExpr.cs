namespace TuningService.Core.ChatTemplates;

/// <summary>A variable: the innermost scope that defines it, then the globals, else undefined.</summary>
internal sealed class NameExpr(string name, int line, int column) : Expr(line, column)
{
    public string Name { get; } = name;

    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        if (scope.TryGet(Name, out var value)) return value;
        return Builtins.Globals.TryGetValue(Name, out var global) ? global : UndefinedValue.Variable(Name);
    }
}
