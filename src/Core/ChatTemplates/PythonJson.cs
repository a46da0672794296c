using System.Globalization;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The <c>tojson</c> filter exactly as transformers defines it: <c>json.dumps(x, ensure_ascii=False, indent=indent,
/// separators=separators, sort_keys=sort_keys)</c>, with no HTML escaping (Jinja's own tojson would escape &lt; &gt; &amp; ').
/// Python's defaults: separators <c>', '</c>/<c>': '</c>, or <c>','</c>/<c>': '</c> with an indent; keys in insertion order.
/// </summary>
internal static class PythonJson
{
    public sealed record Options(bool EnsureAscii, string? Indent, string ItemSeparator, string KeySeparator, bool SortKeys);

    public static string Dumps(TemplateValue value, Options options)
    {
        var sb = new StringBuilder();
        Write(sb, value, options, 0);
        return sb.ToString();
    }

    static void Write(StringBuilder sb, TemplateValue value, Options o, int level)
    {
        RuntimeGuard.EnsureStack();
        switch (value)
        {
            case StringValue s: WriteString(sb, s.Value, o.EnsureAscii); break;
            case NoneValue: sb.Append("null"); break;
            case BoolValue b: sb.Append(b.Value ? "true" : "false"); break;
            case IntValue i: sb.Append(i.Value.ToString(CultureInfo.InvariantCulture)); break;
            case BigIntValue b: b.WriteStr(sb); break;
            case FloatValue f: sb.Append(FloatText(f.Value)); break;
            case ListValue { IsSequence: true } l: WriteList(sb, l, o, level); break;
            case DictValue d: WriteDict(sb, d, o, level); break;
            default: throw new TemplateRuntimeException($"TypeError: Object of type {value.TypeName} is not JSON serializable");
        }
    }

    static string FloatText(double v) =>
        double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity" : PythonFloat.Repr(v);

    static void NewLine(StringBuilder sb, Options o, int level)
    {
        sb.Append('\n');
        for (var i = 0; i < level; i++) sb.Append(o.Indent);
    }

    static void WriteList(StringBuilder sb, ListValue l, Options o, int level)
    {
        if (l.Items.Count == 0) { sb.Append("[]"); return; }
        sb.Append('[');
        if (o.Indent is not null) NewLine(sb, o, level + 1);
        for (var i = 0; i < l.Items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(o.ItemSeparator);
                if (o.Indent is not null) NewLine(sb, o, level + 1);
            }
            Write(sb, l.Items[i], o, level + 1);
        }
        if (o.Indent is not null) NewLine(sb, o, level);
        sb.Append(']');
    }

    static void WriteDict(StringBuilder sb, DictValue d, Options o, int level)
    {
        if (d.Count == 0) { sb.Append("{}"); return; }
        IEnumerable<KeyValuePair<TemplateValue, TemplateValue>> entries = d.Entries;
        if (o.SortKeys) entries = TemplateFilters.SortValues(d.Entries.ToList(), e => e.Key, caseSensitive: true);
        sb.Append('{');
        if (o.Indent is not null) NewLine(sb, o, level + 1);
        var first = true;
        foreach (var (key, value) in entries)
        {
            if (!first)
            {
                sb.Append(o.ItemSeparator);
                if (o.Indent is not null) NewLine(sb, o, level + 1);
            }
            first = false;
            var keyText = key switch
            {
                StringValue s => s.Value,
                BoolValue b => b.Value ? "true" : "false",
                IntValue i => i.Value.ToString(CultureInfo.InvariantCulture),
                BigIntValue b => b.Str(),
                FloatValue f => FloatText(f.Value),
                NoneValue => "null",
                _ => throw new TemplateRuntimeException($"TypeError: keys must be str, int, float, bool or None, not {key.TypeName}"),
            };
            WriteString(sb, keyText, o.EnsureAscii);
            sb.Append(o.KeySeparator);
            Write(sb, value, o, level + 1);
        }
        if (o.Indent is not null) NewLine(sb, o, level);
        sb.Append('}');
    }

    /// <summary>A JSON string as Python's json writes it: <c>\" \\ \n \r \t \b \f</c>, other controls <c>\u00XX</c>;
    /// with ensure_ascii also every non-ASCII UTF-16 unit as lowercase <c>\uXXXX</c>.</summary>
    public static void WriteString(StringBuilder sb, string s, bool ensureAscii)
    {
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (ensureAscii && c > 0x7E))
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }
}
