namespace TuningService.Core.ChatTemplates;

/// <summary>
/// One frame of variables. The render's root frame holds the passed-in variables and top-level <c>set</c>s; each
/// <c>for</c> iteration, macro call and <c>with</c> block gets a child frame, so a <c>set</c> inside a loop body does
/// not leak out of the loop (Jinja's scoping; templates use <c>namespace()</c> to carry state out).
/// </summary>
internal sealed class Scope(Scope? parent)
{
    Dictionary<string, TemplateValue>? variables;

    public Scope? Parent { get; } = parent;

    public bool TryGet(string name, out TemplateValue value)
    {
        for (var s = this; s is not null; s = s.Parent)
            if (s.variables is not null && s.variables.TryGetValue(name, out value!)) return true;
        value = null!;
        return false;
    }

    public void Set(string name, TemplateValue value) => (variables ??= new(StringComparer.Ordinal))[name] = value;
}
