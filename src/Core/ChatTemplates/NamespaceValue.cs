using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Jinja's <c>namespace(...)</c>: the one mutable object, so a loop body can carry state out of the loop
/// (<c>{% set ns.found = true %}</c>), which a plain <c>set</c> inside a loop cannot.
/// </summary>
internal sealed class NamespaceValue : TemplateValue
{
    readonly Dictionary<string, TemplateValue> attributes = new(StringComparer.Ordinal);
    readonly List<string> order = [];

    public void Set(string name, TemplateValue value)
    {
        if (!attributes.ContainsKey(name)) order.Add(name);
        attributes[name] = value;
    }

    public override string TypeName => "Namespace";
    public override string ObjectTypeRepr => "jinja2.utils.Namespace object";

    public override TemplateValue? FindAttribute(string name) => attributes.GetValueOrDefault(name);

    public override void WriteStr(StringBuilder sb)
    {
        sb.Append("<Namespace {");
        for (var i = 0; i < order.Count; i++)
        {
            if (i > 0) sb.Append(", ");
            PythonString.WriteRepr(sb, order[i]);
            sb.Append(": ");
            attributes[order[i]].WriteRepr(sb);
        }
        sb.Append("}>");
    }
}
