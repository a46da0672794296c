using System.Globalization;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Python's <c>repr(float)</c>, which both printing and <c>json.dumps</c> use: the shortest digits that round-trip,
/// positional between 1e-4 and 1e16 (always with a fractional part, <c>1.0</c>), else <c>1e+16</c> / <c>1e-05</c>.
/// .NET's "R" gives the same digits but spells the rest differently (<c>1E+16</c>, <c>1</c>).
/// </summary>
internal static class PythonFloat
{
    public static string Repr(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0.0" : "0.0";

        // Shortest round-trip digits and the decimal exponent, from .NET's "E16"-free round-trip form.
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r.StartsWith('-');
        if (negative) r = r[1..];
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var intPart = dot >= 0 ? r[..dot] : r;
        var fracPart = dot >= 0 ? r[(dot + 1)..] : "";
        var digits = (intPart + fracPart).TrimStart('0');
        // decimalPoint: value = 0.DIGITS × 10^decimalPoint
        var leadingZeros = (intPart + fracPart).Length - digits.Length;
        var decimalPoint = intPart.Length + exponent - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0) digits = "0";

        string body;
        if (decimalPoint > -4 && decimalPoint <= 16)
        {
            if (decimalPoint <= 0) body = "0." + new string('0', -decimalPoint) + digits;
            else if (decimalPoint >= digits.Length) body = digits + new string('0', decimalPoint - digits.Length) + ".0";
            else body = digits[..decimalPoint] + "." + digits[decimalPoint..];
        }
        else
        {
            var exp = decimalPoint - 1;
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            body = mantissa + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
        }
        return negative ? "-" + body : body;
    }
}
