using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Python's <c>dict</c>: keys keep insertion order (JSON file order), which <c>tojson</c>, <c>|items</c> and printing
/// follow. Immutable once built, as in transformers' ImmutableSandboxedEnvironment.
/// </summary>
internal sealed class DictValue : TemplateValue
{
    readonly List<KeyValuePair<TemplateValue, TemplateValue>> entries;
    readonly Dictionary<TemplateValue, int> index;

    public DictValue(IEnumerable<KeyValuePair<TemplateValue, TemplateValue>> pairs)
    {
        entries = [];
        index = new Dictionary<TemplateValue, int>(ValueKeyComparer.Instance);
        foreach (var (key, value) in pairs)
        {
            PythonOps.EnsureHashable(key);
            if (index.TryGetValue(key, out var at)) entries[at] = new(entries[at].Key, value);
            else
            {
                index[key] = entries.Count;
                entries.Add(new(key, value));
            }
        }
    }

    public IReadOnlyList<KeyValuePair<TemplateValue, TemplateValue>> Entries => entries;

    public int Count => entries.Count;

    public bool ContainsKey(TemplateValue key)
    {
        PythonOps.EnsureHashable(key);
        return index.ContainsKey(key);
    }

    public override string TypeName => "dict";
    public override bool IsTrue => entries.Count != 0;

    public override void WriteStr(StringBuilder sb) => WriteRepr(sb);

    public override void WriteRepr(StringBuilder sb)
    {
        RuntimeGuard.EnsureStack();
        sb.Append('{');
        for (var i = 0; i < entries.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            entries[i].Key.WriteRepr(sb);
            sb.Append(": ");
            entries[i].Value.WriteRepr(sb);
        }
        sb.Append('}');
    }

    public override TemplateValue? TryGetItem(TemplateValue key)
    {
        if (!PythonOps.IsHashable(key)) return null;
        return index.TryGetValue(key, out var at) ? entries[at].Value : null;
    }

    public override TemplateValue? TryGetItemByName(string name) => TryGetItem(new StringValue(name));

    public override TemplateValue? FindAttribute(string name) => CollectionMethods.BindDict(this, name);

    public override IReadOnlyList<TemplateValue> Iterate() => entries.Select(e => e.Key).ToArray();
}
