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

    /// <summary>Python 3.11 refuses to print an int of more digits than this (sys.get_int_max_str_digits()); the
    /// sandbox refuses to build one, which also keeps a squaring loop from spending seconds in one multiplication.</summary>
    public const int MaxDigits = 4300;

    /// <summary>The value as an <see cref="IntValue"/> when it fits in 64 bits, else as a big one.</summary>
    public static TemplateValue Of(BigInteger value)
    {
        if (value >= long.MinValue && value <= long.MaxValue) return IntValue.Of((long)value);
        if (BigInteger.Abs(value).GetBitLength() > MaxDigits * 3.3219)
            throw new TemplateRuntimeException(
                $"the template built an integer of more than {MaxDigits} digits (Python refuses to print those)", ChatTemplateErrorKind.LimitExceeded);
        return new BigIntValue(value);
    }

    public override string TypeName => "int";
    public override bool IsTrue => !Value.IsZero;
    public override void WriteStr(StringBuilder sb) => sb.Append(Value.ToString(CultureInfo.InvariantCulture));
}
