using System.Globalization;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Python's two string-formatting mini-languages as templates use them: <c>'%s: %d' % (a, b)</c> (and Jinja's
/// <c>|format</c> filter, which is the same operator) and <c>'{}: {name}'.format(a, name=b)</c>. Conversions
/// <c>s r a d i f F e E g G x X o c %</c> with flags, width and precision; <c>*</c> widths are not supported.
/// </summary>
internal static class PythonFormat
{
    public static TemplateValue Percent(string format, TemplateValue arguments, RenderContext context)
    {
        IReadOnlyList<TemplateValue> args = arguments is ListValue { IsTuple: true } t ? t.Items : [arguments];
        var mapping = arguments as DictValue;
        // Python skips the "not all arguments converted" check when the right operand supports item access and is
        // not a tuple (a dict, but a list too): 'text' % [] is 'text'.
        var mappingLike = arguments is DictValue or ListValue { IsTuple: false, IsSequence: true };
        var sb = new StringBuilder();
        var next = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i++];
            if (c != '%') { sb.Append(c); continue; }
            if (i >= format.Length) throw new TemplateRuntimeException("ValueError: incomplete format");
            TemplateValue? value = null;
            if (format[i] == '(')
            {
                var close = format.IndexOf(')', i);
                if (close < 0) throw new TemplateRuntimeException("ValueError: incomplete format key");
                if (mapping is null) throw new TemplateRuntimeException("TypeError: format requires a mapping");
                var key = format[(i + 1)..close];
                value = mapping.TryGetItemByName(key) ?? throw new TemplateRuntimeException($"KeyError: '{key}'");
                i = close + 1;
            }
            var spec = new Spec();
            while (i < format.Length && "-+ #0".Contains(format[i]))
            {
                switch (format[i])
                {
                    case '-': spec.Align = '<'; break;
                    case '+': spec.Sign = '+'; break;
                    case ' ': if (spec.Sign != '+') spec.Sign = ' '; break;
                    case '#': spec.Alternate = true; break;
                    case '0': spec.ZeroPad = true; break;
                }
                i++;
            }
            spec.Width = ReadNumber(format, ref i);
            if (i < format.Length && format[i] == '.')
            {
                i++;
                spec.Precision = ReadNumber(format, ref i) ?? 0;
            }
            while (i < format.Length && format[i] is 'h' or 'l' or 'L') i++;
            if (i >= format.Length) throw new TemplateRuntimeException("ValueError: incomplete format");
            var type = format[i++];
            if (type == '%') { sb.Append('%'); continue; }
            if (value is null)
            {
                if (mapping is not null && args.Count == 1 && ReferenceEquals(args[0], mapping) && next > 0)
                    throw new TemplateRuntimeException("TypeError: not enough arguments for format string");
                if (next >= args.Count) throw new TemplateRuntimeException("TypeError: not enough arguments for format string");
                value = args[next++];
            }
            spec.Type = type;
            if (spec.Align == '\0') spec.Align = '>';
            if (spec.ZeroPad && spec.Align == '<') spec.ZeroPad = false;
            sb.Append(FormatValue(value, spec, percentStyle: true));
            context.CheckLength(sb.Length);
        }
        if (next < args.Count && !mappingLike)
            throw new TemplateRuntimeException("TypeError: not all arguments converted during string formatting");
        return new StringValue(sb.ToString());
    }

    public static string StrFormat(string format, CallArguments arguments)
    {
        var sb = new StringBuilder();
        var auto = 0;
        var i = 0;
        while (i < format.Length)
        {
            var c = format[i];
            if (c == '{' && i + 1 < format.Length && format[i + 1] == '{') { sb.Append('{'); i += 2; continue; }
            if (c == '}' && i + 1 < format.Length && format[i + 1] == '}') { sb.Append('}'); i += 2; continue; }
            if (c == '}') throw new TemplateRuntimeException("ValueError: Single '}' encountered in format string");
            if (c != '{') { sb.Append(c); i++; continue; }
            var close = format.IndexOf('}', i);
            if (close < 0) throw new TemplateRuntimeException("ValueError: Single '{' encountered in format string");
            var field = format[(i + 1)..close];
            i = close + 1;
            string? conversion = null, specText = null;
            var colon = field.IndexOf(':');
            if (colon >= 0) { specText = field[(colon + 1)..]; field = field[..colon]; }
            var bang = field.IndexOf('!');
            if (bang >= 0) { conversion = field[(bang + 1)..]; field = field[..bang]; }
            TemplateValue value;
            if (field.Length == 0)
            {
                if (auto >= arguments.Positional.Count) throw new TemplateRuntimeException($"IndexError: Replacement index {auto} out of range for positional args tuple");
                value = arguments.Positional[auto++];
            }
            else if (int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
            {
                if (n >= arguments.Positional.Count) throw new TemplateRuntimeException($"IndexError: Replacement index {n} out of range for positional args tuple");
                value = arguments.Positional[n];
            }
            else
            {
                value = arguments.Keywords.FirstOrDefault(k => k.Key == field).Value
                    ?? throw new TemplateRuntimeException($"KeyError: '{field}'");
            }
            if (conversion is "r" or "a") value = new StringValue(value.Repr());
            else if (conversion == "s") value = new StringValue(value.Str());
            else if (conversion is not null) throw new TemplateRuntimeException($"ValueError: Unknown conversion specifier {conversion}");
            sb.Append(FormatValue(value, ParseFormatSpec(specText ?? "", value), percentStyle: false));
        }
        return sb.ToString();
    }

    static int? ReadNumber(string s, ref int i)
    {
        var start = i;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        return i > start ? int.Parse(s[start..i], CultureInfo.InvariantCulture) : null;
    }

    sealed class Spec
    {
        public char Fill = ' ';
        public char Align;
        public char Sign = '-';
        public bool Alternate;
        public bool ZeroPad;
        public int? Width;
        public int? Precision;
        public char Type;
        public char Grouping;
    }

    static Spec ParseFormatSpec(string text, TemplateValue value)
    {
        var spec = new Spec();
        var i = 0;
        if (text.Length >= 2 && text[1] is '<' or '>' or '^' or '=') { spec.Fill = text[0]; spec.Align = text[1]; i = 2; }
        else if (text.Length >= 1 && text[0] is '<' or '>' or '^' or '=') { spec.Align = text[0]; i = 1; }
        if (i < text.Length && text[i] is '+' or '-' or ' ') spec.Sign = text[i++];
        if (i < text.Length && text[i] == '#') { spec.Alternate = true; i++; }
        if (i < text.Length && text[i] == '0') { spec.ZeroPad = true; i++; }
        spec.Width = ReadNumber(text, ref i);
        if (i < text.Length && text[i] is ',' or '_') spec.Grouping = text[i++];
        if (i < text.Length && text[i] == '.') { i++; spec.Precision = ReadNumber(text, ref i) ?? throw new TemplateRuntimeException("ValueError: Format specifier missing precision"); }
        if (i < text.Length) spec.Type = text[i++];
        if (i != text.Length) throw new TemplateRuntimeException($"ValueError: Invalid format specifier '{text}'");
        var numeric = value is IntValue or FloatValue or BoolValue;
        if (spec.Align == '\0') spec.Align = numeric ? '>' : '<';
        if (spec.Type == '\0') spec.Type = value is FloatValue ? (spec.Precision is null ? 'r' : 'g') : value is IntValue or BoolValue ? 'd' : 's';
        return spec;
    }

    static string FormatValue(TemplateValue value, Spec spec, bool percentStyle)
    {
        string body;
        var negative = false;
        switch (spec.Type)
        {
            case 's' or 'r' or 'a':
                body = spec.Type == 's' ? value.Str() : value.Repr();
                if (spec.Precision is { } p && p < body.Length) body = body[..p];
                return Pad(body, spec, numeric: false, negative: false);
            case 'c':
                body = value is StringValue sv ? sv.Value : char.ConvertFromUtf32((int)ToInteger(value, 'c'));
                return Pad(body, spec, numeric: false, negative: false);
            case 'd' or 'i' or 'u' or 'x' or 'X' or 'o' or 'b':
                var n = ToInteger(value, spec.Type);
                negative = n < 0;
                var magnitude = negative ? (ulong)(-(n + 1)) + 1 : (ulong)n;
                body = spec.Type switch
                {
                    'x' => magnitude.ToString("x", CultureInfo.InvariantCulture),
                    'X' => magnitude.ToString("X", CultureInfo.InvariantCulture),
                    'o' => Convert.ToString((long)magnitude, 8),
                    'b' => Convert.ToString((long)magnitude, 2),
                    _ => magnitude.ToString(CultureInfo.InvariantCulture),
                };
                if (spec.Alternate && spec.Type is 'x' or 'X' or 'o' or 'b') body = "0" + (spec.Type == 'X' ? 'X' : spec.Type) + body;
                if (percentStyle && spec.Precision is { } digits && body.Length < digits) body = new string('0', digits - body.Length) + body;
                if (spec.Grouping != '\0' && spec.Type is 'd') body = Group(body, spec.Grouping);
                return Pad(body, spec, numeric: true, negative);
            case 'f' or 'F' or 'e' or 'E' or 'g' or 'G' or '%' or 'r':
                var d = ToDouble(value, spec.Type);
                negative = d < 0 || (d == 0 && double.IsNegative(d));
                d = Math.Abs(d);
                body = spec.Type switch
                {
                    'r' => PythonFloat.Repr(d),
                    'f' or 'F' => Fixed(d, spec.Precision ?? 6),
                    'e' or 'E' => Exponent(d, spec.Precision ?? 6, spec.Type),
                    '%' => Fixed(d * 100, spec.Precision ?? 6) + "%",
                    _ => General(d, spec.Precision ?? 6, spec.Alternate, spec.Type),
                };
                if (spec.Grouping != '\0' && spec.Type is 'f' or 'F' or 'r' or '%')
                {
                    var end = body.IndexOfAny(['.', 'e', '%']);
                    if (end < 0) end = body.Length;
                    body = Group(body[..end], spec.Grouping) + body[end..];
                }
                return Pad(body, spec, numeric: true, negative);
            default:
                throw new TemplateRuntimeException($"ValueError: unsupported format character '{spec.Type}'");
        }
    }

    /// <summary>Thousands separators in a run of digits (<c>{:,}</c>, <c>{:_}</c>).</summary>
    static string Group(string digits, char separator)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (digits.Length - i) % 3 == 0) sb.Append(separator);
            sb.Append(digits[i]);
        }
        return sb.ToString();
    }

    static string Fixed(double d, int precision) =>
        double.IsFinite(d) ? d.ToString("F" + precision, CultureInfo.InvariantCulture) : double.IsNaN(d) ? "nan" : "inf";

    static string Exponent(double d, int precision, char type)
    {
        if (!double.IsFinite(d)) return double.IsNaN(d) ? "nan" : "inf";
        var s = d.ToString((type == 'E' ? "E" : "e") + precision, CultureInfo.InvariantCulture);
        // .NET writes three exponent digits (e+005); Python at least two (e+05).
        var e = s.IndexOfAny(['e', 'E']);
        var exp = int.Parse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return s[..(e + 1)] + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }

    static string General(double d, int precision, bool alternate, char type)
    {
        if (!double.IsFinite(d)) return double.IsNaN(d) ? "nan" : "inf";
        if (precision == 0) precision = 1;
        var e = Exponent(d, precision - 1, 'e');
        var exp = int.Parse(e[(e.IndexOf('e') + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        string s;
        if (exp >= -4 && exp < precision) s = Fixed(d, precision - 1 - exp);
        else s = e;
        if (!alternate)
        {
            var ePos = s.IndexOf('e');
            var mantissa = ePos >= 0 ? s[..ePos] : s;
            var suffix = ePos >= 0 ? s[ePos..] : "";
            if (mantissa.Contains('.')) mantissa = mantissa.TrimEnd('0').TrimEnd('.');
            s = mantissa + suffix;
        }
        return type == 'G' ? s.ToUpperInvariant() : s;
    }

    static long ToInteger(TemplateValue value, char type)
    {
        if (PythonOps.TryGetInteger(value, out var n)) return n;
        if (value is FloatValue f && type is 'd' or 'i' or 'u') return (long)Math.Truncate(f.Value);
        throw new TemplateRuntimeException($"TypeError: %{type} format: an integer is required, not {value.TypeName}");
    }

    static double ToDouble(TemplateValue value, char type)
    {
        if (PythonOps.TryGetInteger(value, out var n)) return n;
        if (value is FloatValue f) return f.Value;
        throw new TemplateRuntimeException($"TypeError: must be real number, not {value.TypeName} (format '{type}')");
    }

    static string Pad(string body, Spec spec, bool numeric, bool negative)
    {
        var sign = negative ? "-" : numeric && spec.Sign == '+' ? "+" : numeric && spec.Sign == ' ' ? " " : "";
        var width = spec.Width ?? 0;
        var length = sign.Length + body.Length;
        if (length >= width) return sign + body;
        var padding = width - length;
        if (numeric && (spec.ZeroPad || spec.Align == '='))
            return sign + new string(spec.ZeroPad && spec.Align != '=' ? '0' : spec.Fill, padding) + body;
        return spec.Align switch
        {
            '<' => sign + body + new string(spec.Fill, padding),
            '^' => new string(spec.Fill, padding / 2) + sign + body + new string(spec.Fill, padding - padding / 2),
            _ => new string(spec.Fill, padding) + sign + body,
        };
    }
}
