using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// A Python generator or iterator, which is what Jinja's <c>map</c>, <c>select</c>, <c>reject</c>,
/// <c>selectattr</c>, <c>rejectattr</c>, <c>unique</c> and <c>items</c> filters (and <c>reverse</c> on a list)
/// return. Modelled because templates can observe it: it is always truthy (<c>{% if messages|selectattr(...) %}</c>
/// holds even when nothing matches), has no length, cannot be indexed, and iterates once (a second loop over the same
/// variable sees nothing). <c>|list</c> turns it into a list, as in Jinja.
/// </summary>
internal sealed class IteratorValue(string pythonType, string producer, IReadOnlyList<TemplateValue> items) : TemplateValue
{
    bool consumed;

    /// <summary>A generator made by the Jinja filter function <paramref name="producer"/> (e.g. "select_or_reject").</summary>
    public static IteratorValue Generator(string producer, IReadOnlyList<TemplateValue> items) => new("generator", producer, items);

    public override string TypeName => pythonType;

    public override bool IsTrue => true;

    /// <summary>Python prints the object's address here; that is never the same twice, so it is left out.</summary>
    public override void WriteStr(StringBuilder sb) =>
        sb.Append('<').Append(pythonType).Append(" object").Append(producer.Length > 0 ? " " + producer : "").Append('>');

    public override IReadOnlyList<TemplateValue> Iterate()
    {
        if (consumed) return [];
        consumed = true;
        return items;
    }
}
