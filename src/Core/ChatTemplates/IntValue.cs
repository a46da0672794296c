using System.Globalization;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>Python's <c>int</c> in 64 bits, the fast common case; arithmetic that overflows continues in
/// <see cref="BigIntValue"/>, as Python's ints do not overflow.</summary>
internal sealed class IntValue : TemplateValue
{
    static readonly IntValue[] Small = Enumerable.Range(-16, 272).Select(i => new IntValue(i)).ToArray();

    IntValue(long value) => Value = value;

    public long Value { get; }

    public static IntValue Of(long value) => value is >= -16 and < 256 ? Small[value + 16] : new IntValue(value);

    public override string TypeName => "int";
    public override bool IsTrue => Value != 0;
    public override void WriteStr(StringBuilder sb) => sb.Append(Value.ToString(CultureInfo.InvariantCulture));
}
