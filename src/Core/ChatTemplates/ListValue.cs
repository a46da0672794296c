using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Python's <c>list</c> (JSON arrays, list literals, filter results) or <c>tuple</c> (<c>(a, b)</c>, <c>|items</c>
/// pairs). Immutable: transformers renders in Jinja's ImmutableSandboxedEnvironment, where <c>append</c> and the
/// other mutating methods are unsafe.
/// </summary>
internal sealed class ListValue(IReadOnlyList<TemplateValue> items, bool isTuple = false) : TemplateValue
{
    public static readonly ListValue EmptyList = new([]);

    public IReadOnlyList<TemplateValue> Items { get; } = items;

    public bool IsTuple { get; } = isTuple;

    public override string TypeName => IsTuple ? "tuple" : "list";
    public override bool IsTrue => Items.Count != 0;

    public override void WriteStr(StringBuilder sb) => WriteRepr(sb);

    public override void WriteRepr(StringBuilder sb)
    {
        RuntimeGuard.EnsureStack();
        sb.Append(IsTuple ? '(' : '[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            Items[i].WriteRepr(sb);
        }
        if (IsTuple && Items.Count == 1) sb.Append(',');
        sb.Append(IsTuple ? ')' : ']');
    }

    public override TemplateValue? TryGetItem(TemplateValue key)
    {
        if (!PythonOps.TryGetIndex(key, out var index)) return null;
        if (index < 0) index += Items.Count;
        return index >= 0 && index < Items.Count ? Items[(int)index] : null;
    }

    public override TemplateValue? FindAttribute(string name) => CollectionMethods.BindList(this, name);

    public override IReadOnlyList<TemplateValue> Iterate() => Items;
}
