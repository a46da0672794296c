using System.Globalization;
using System.Numerics;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// A Python <c>int</c> beyond 64 bits: a large JSON integer (an id in tool-call arguments must print and dump with
/// all its digits, as transformers does, not as a float) or the result of arithmetic that overflowed
/// <see cref="IntValue"/>. Rare, so it lives apart from the fast 64-bit case.
/// </summary>
internal sealed class BigIntValue : TemplateValue
{
    BigIntValue(BigInteger value) => Value = value;

    public BigInteger Value { get; }

    /// <summary>The value as an <see cref="IntValue"/> when it fits in 64 bits, else as a big one.</summary>
    public static TemplateValue Of(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue ? IntValue.Of((long)value) : new BigIntValue(value);

    public override string TypeName => "int";
    public override bool IsTrue => !Value.IsZero;
    public override void WriteStr(StringBuilder sb) => sb.Append(Value.ToString(CultureInfo.InvariantCulture));
}
