namespace TuningService.Core.ChatTemplates;

/// <summary><c>{% macro name(a, b=default) %}…{% endmacro %}</c>: defines the macro in the current scope.</summary>
internal sealed class MacroStmt(string name, IReadOnlyList<string> parameters, IReadOnlyList<Expr?> defaults, IReadOnlyList<Stmt> body, int line, int column)
    : Stmt(line, column)
{
    public string Name { get; } = name;

    public IReadOnlyList<string> Parameters { get; } = parameters;

    /// <summary>One entry per parameter; null where the parameter has no default.</summary>
    public IReadOnlyList<Expr?> Defaults { get; } = defaults;

    public IReadOnlyList<Stmt> Body { get; } = body;

    public override Flow Execute(RenderContext context, Scope scope)
    {
        scope.Set(Name, new MacroValue(this, scope));
        return Flow.Normal;
    }
}
