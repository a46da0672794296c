namespace TuningService.Core.ChatTemplates;

/// <summary>What a <c>set</c>, <c>for</c> or <c>with</c> binds: a name, a tuple of names to unpack into
/// (<c>for key, val in d.items()</c>), or a namespace attribute (<c>set ns.index = …</c>).</summary>
internal sealed class AssignTarget(IReadOnlyList<string> names, bool isTuple, string? namespaceAttribute, int line, int column)
{
    public IReadOnlyList<string> Names { get; } = names;

    public void Assign(TemplateValue value, Scope scope, RenderContext context)
    {
        context.At(line, column);
        if (namespaceAttribute is not null)
        {
            if (!scope.TryGet(Names[0], out var target) || target is not NamespaceValue ns)
                throw new TemplateRuntimeException($"cannot assign attribute on non-namespace object ('{Names[0]}' is not a namespace())");
            ns.Set(namespaceAttribute, value);
            return;
        }
        if (!isTuple)
        {
            scope.Set(Names[0], value);
            return;
        }
        var items = value.Iterate();
        if (items.Count > Names.Count)
            throw new TemplateRuntimeException($"ValueError: too many values to unpack (expected {Names.Count})");
        if (items.Count < Names.Count)
            throw new TemplateRuntimeException($"ValueError: not enough values to unpack (expected {Names.Count}, got {items.Count})");
        for (var i = 0; i < Names.Count; i++) scope.Set(Names[i], items[i]);
    }
}
