using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>Python's <c>str</c>. Lengths, indices and slices count code points, as Python does.</summary>
internal sealed class StringValue(string value) : TemplateValue
{
    public static readonly StringValue Empty = new("");

    public string Value { get; } = value;

    public override string TypeName => "str";
    public override bool IsTrue => Value.Length != 0;
    public override void WriteStr(StringBuilder sb) => sb.Append(Value);
    public override void WriteRepr(StringBuilder sb) => PythonString.WriteRepr(sb, Value);

    public override TemplateValue? TryGetItem(TemplateValue key)
    {
        if (!PythonOps.TryGetIndex(key, out var index)) return null;
        if (!PythonString.HasSurrogates(Value))
        {
            if (index < 0) index += Value.Length;
            return index >= 0 && index < Value.Length ? new StringValue(Value[(int)index].ToString()) : null;
        }
        var cps = PythonString.CodePoints(Value);
        if (index < 0) index += cps.Length;
        return index >= 0 && index < cps.Length ? new StringValue(PythonString.CodePointToString(cps[index])) : null;
    }

    public override TemplateValue? FindAttribute(string name) => StringMethods.Bind(this, name);

    public override IReadOnlyList<TemplateValue> Iterate()
    {
        if (!PythonString.HasSurrogates(Value))
        {
            var chars = new TemplateValue[Value.Length];
            for (var i = 0; i < chars.Length; i++) chars[i] = new StringValue(Value[i].ToString());
            return chars;
        }
        return PythonString.CodePoints(Value).Select(cp => (TemplateValue)new StringValue(PythonString.CodePointToString(cp))).ToArray();
    }
}
