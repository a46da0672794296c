using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Python's <c>list</c> (JSON arrays, list literals, filter results), <c>tuple</c> (<c>(a, b)</c>, <c>|items</c>
/// pairs) or a dict view (<c>d.keys()</c>, <c>d.values()</c>, <c>d.items()</c>: iterable and sized like a list, but
/// not subscriptable, and printed as <c>dict_keys([...])</c>). Immutable: transformers renders in Jinja's
/// ImmutableSandboxedEnvironment, where <c>append</c> and the other mutating methods are unsafe.
/// </summary>
internal sealed class ListValue(IReadOnlyList<TemplateValue> items, bool isTuple = false, string? viewName = null) : TemplateValue
{
    public static readonly ListValue EmptyList = new([]);

    public IReadOnlyList<TemplateValue> Items { get; } = items;

    public bool IsTuple { get; } = isTuple;

    /// <summary>"dict_keys", "dict_values" or "dict_items" for a dict view, else null.</summary>
    public string? ViewName { get; } = viewName;

    /// <summary>A plain list or tuple: what slicing, indexing, <c>+</c> and <c>*</c> accept.</summary>
    public bool IsSequence => ViewName is null;

    public override string TypeName => ViewName ?? (IsTuple ? "tuple" : "list");
    public override bool IsTrue => Items.Count != 0;

    public override void WriteStr(StringBuilder sb) => WriteRepr(sb);

    public override void WriteRepr(StringBuilder sb)
    {
        RuntimeGuard.EnsureStack();
        if (ViewName is not null) sb.Append(ViewName).Append('(');
        sb.Append(IsTuple ? '(' : '[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            Items[i].WriteRepr(sb);
        }
        if (IsTuple && Items.Count == 1) sb.Append(',');
        sb.Append(IsTuple ? ')' : ']');
        if (ViewName is not null) sb.Append(')');
    }

    public override TemplateValue? TryGetItem(TemplateValue key)
    {
        if (ViewName is not null || !PythonOps.TryGetIndex(key, out var index)) return null;
        if (index < 0) index += Items.Count;
        return index >= 0 && index < Items.Count ? Items[(int)index] : null;
    }

    public override TemplateValue? FindAttribute(string name) => ViewName is null ? CollectionMethods.BindList(this, name) : null;

    public override IReadOnlyList<TemplateValue> Iterate() => Items;
}
