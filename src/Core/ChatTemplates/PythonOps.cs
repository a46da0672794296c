using System.Numerics;
using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Python's operators on template values: <c>== &lt; in + - * / // % **</c>, hashing for dict keys, truthiness helpers.
/// Type errors carry Python's wording so a template author recognises them.
/// </summary>
internal static class PythonOps
{
    /// <summary>An int or bool as a 64-bit integer (bool is an int in Python).</summary>
    public static bool TryGetInteger(TemplateValue v, out long value)
    {
        switch (v)
        {
            case IntValue i: value = i.Value; return true;
            case BoolValue b: value = b.Value ? 1 : 0; return true;
            default: value = 0; return false;
        }
    }

    public static bool TryGetIndex(TemplateValue v, out long index) => TryGetInteger(v, out index);

    /// <summary>Any Python int (bool included) as a BigInteger.</summary>
    static bool TryGetBigInteger(TemplateValue v, out BigInteger value)
    {
        if (v is BigIntValue big) { value = big.Value; return true; }
        var ok = TryGetInteger(v, out var l);
        value = l;
        return ok;
    }

    static bool IsNumber(TemplateValue v) => v is IntValue or BoolValue or FloatValue or BigIntValue;

    static double ToDouble(TemplateValue v) => v switch
    {
        IntValue i => i.Value,
        BigIntValue b => (double)b.Value,
        BoolValue b => b.Value ? 1 : 0,
        FloatValue f => f.Value,
        _ => throw new InvalidOperationException("not a number"),
    };

    public static bool Equal(TemplateValue a, TemplateValue b)
    {
        if (ReferenceEquals(a, b)) return true;
        switch (a)
        {
            case StringValue sa: return b is StringValue sb && sa.Value == sb.Value;
            case IntValue or BoolValue when TryGetInteger(b, out var lb):
                TryGetInteger(a, out var la);
                return la == lb;
            case BigIntValue or IntValue or BoolValue when TryGetBigInteger(a, out var ba) && TryGetBigInteger(b, out var bb): return ba == bb;
            case IntValue or BoolValue or FloatValue or BigIntValue when IsNumber(b): return ToDouble(a) == ToDouble(b);
            case NoneValue: return b is NoneValue;
            case UndefinedValue: return b is UndefinedValue;
            case ListValue la2 when b is ListValue lb2 && la2.IsTuple == lb2.IsTuple && la2.ViewName == lb2.ViewName:
                if (la2.Items.Count != lb2.Items.Count) return false;
                for (var i = 0; i < la2.Items.Count; i++)
                    if (!Equal(la2.Items[i], lb2.Items[i])) return false;
                return true;
            case DictValue da when b is DictValue db:
                if (da.Count != db.Count) return false;
                foreach (var (key, value) in da.Entries)
                {
                    var other = db.TryGetItem(key);
                    if (other is null || !Equal(value, other)) return false;
                }
                return true;
            default: return false;
        }
    }

    public static bool IsHashable(TemplateValue v) => v switch
    {
        ListValue l => l.IsTuple && l.Items.All(IsHashable),
        DictValue or NamespaceValue => false,
        _ => true,
    };

    public static void EnsureHashable(TemplateValue v)
    {
        if (!IsHashable(v)) throw new TemplateRuntimeException($"TypeError: unhashable type: '{v.TypeName}'");
    }

    public static int Hash(TemplateValue v)
    {
        switch (v)
        {
            case StringValue s: return StringComparer.Ordinal.GetHashCode(s.Value);
            case IntValue or BoolValue:
                TryGetInteger(v, out var l);
                return l.GetHashCode();
            case FloatValue f:
                return f.Value == Math.Floor(f.Value) && Math.Abs(f.Value) < 9.2e18 ? ((long)f.Value).GetHashCode() : f.Value.GetHashCode();
            case BigIntValue big: return big.Value.GetHashCode();
            case ListValue t:
                var h = new HashCode();
                foreach (var item in t.Items) h.Add(Hash(item));
                return h.ToHashCode();
            case NoneValue: return 0x5bd1e995;
            case UndefinedValue: return 0x1b873593;
            default: return System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(v);
        }
    }

    /// <summary>Python's ordering (<c>&lt;</c>); the other orderings are derived from it and equality.</summary>
    public static int Compare(TemplateValue a, TemplateValue b, string op)
    {
        if (a is UndefinedValue ua) throw ua.Fail();
        if (b is UndefinedValue ub) throw ub.Fail();
        if ((a is IntValue or BoolValue) && TryGetInteger(b, out var lb))
        {
            TryGetInteger(a, out var la);
            return la.CompareTo(lb);
        }
        if (TryGetBigInteger(a, out var bigA) && TryGetBigInteger(b, out var bigB)) return bigA.CompareTo(bigB);
        if (IsNumber(a) && IsNumber(b))
        {
            double x = ToDouble(a), y = ToDouble(b);
            return x < y ? -1 : x > y ? 1 : 0;
        }
        if (a is StringValue sa && b is StringValue sb) return Math.Sign(PythonString.CompareCodePoints(sa.Value, sb.Value));
        if (a is ListValue { IsSequence: true } la2 && b is ListValue { IsSequence: true } lb2 && la2.IsTuple == lb2.IsTuple)
        {
            var n = Math.Min(la2.Items.Count, lb2.Items.Count);
            for (var i = 0; i < n; i++)
                if (!Equal(la2.Items[i], lb2.Items[i])) return Compare(la2.Items[i], lb2.Items[i], op);
            return la2.Items.Count.CompareTo(lb2.Items.Count);
        }
        throw new TemplateRuntimeException($"TypeError: '{op}' not supported between instances of '{a.TypeName}' and '{b.TypeName}'");
    }

    /// <summary><c>needle in haystack</c>: a dict key, a list item, or a substring.</summary>
    public static bool Contains(TemplateValue haystack, TemplateValue needle)
    {
        switch (haystack)
        {
            case DictValue d: return d.ContainsKey(needle);
            case ListValue l:
                foreach (var item in l.Items)
                    if (Equal(item, needle)) return true;
                return false;
            case StringValue s:
                if (needle is not StringValue n)
                    throw new TemplateRuntimeException($"TypeError: 'in <string>' requires string as left operand, not {needle.TypeName}");
                return s.Value.Contains(n.Value, StringComparison.Ordinal);
            case UndefinedValue: return false;
            case IteratorValue iterator:
                foreach (var item in iterator.Iterate())
                    if (Equal(item, needle)) return true;
                return false;
            default: throw new TemplateRuntimeException($"TypeError: argument of type '{haystack.TypeName}' is not iterable");
        }
    }

    static TemplateRuntimeException Unsupported(string op, TemplateValue a, TemplateValue b) =>
        new($"TypeError: unsupported operand type(s) for {op}: '{a.TypeName}' and '{b.TypeName}'");

    static void FailIfUndefined(TemplateValue a, TemplateValue b)
    {
        if (a is UndefinedValue ua) throw ua.Fail();
        if (b is UndefinedValue ub) throw ub.Fail();
    }

    /// <summary>64-bit integer arithmetic, redone with BigInteger when it overflows: Python's ints do not overflow.</summary>
    static TemplateValue Checked(Func<long> op, Func<BigInteger> big)
    {
        try { return IntValue.Of(op()); }
        catch (OverflowException) { return BigIntValue.Of(big()); }
    }

    /// <summary>Arithmetic where an operand is already a big int (both operands Python ints).</summary>
    static bool TryBig(TemplateValue a, TemplateValue b, out BigInteger x, out BigInteger y)
    {
        y = default;
        return (a is BigIntValue || b is BigIntValue) & TryGetBigInteger(a, out x) && TryGetBigInteger(b, out y);
    }

    public static TemplateValue Add(TemplateValue a, TemplateValue b, RenderContext context)
    {
        FailIfUndefined(a, b);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y)) return Checked(() => checked(x + y), () => (BigInteger)x + y);
        if (TryBig(a, b, out var bx, out var by)) return BigIntValue.Of(bx + by);
        if (IsNumber(a) && IsNumber(b)) return new FloatValue(ToDouble(a) + ToDouble(b));
        if (a is StringValue sa)
        {
            if (b is not StringValue sb) throw new TemplateRuntimeException($"TypeError: can only concatenate str (not \"{b.TypeName}\") to str");
            context.CheckLength((long)sa.Value.Length + sb.Value.Length);
            return new StringValue(string.Concat(sa.Value, sb.Value));
        }
        if (a is ListValue { IsSequence: true } la)
        {
            if (b is not ListValue { IsSequence: true } lb || la.IsTuple != lb.IsTuple)
                throw new TemplateRuntimeException($"TypeError: can only concatenate {a.TypeName} (not \"{b.TypeName}\") to {a.TypeName}");
            context.CheckLength((long)la.Items.Count + lb.Items.Count);
            return new ListValue([.. la.Items, .. lb.Items], la.IsTuple);
        }
        throw Unsupported("+", a, b);
    }

    public static TemplateValue Subtract(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y)) return Checked(() => checked(x - y), () => (BigInteger)x - y);
        if (TryBig(a, b, out var bx, out var by)) return BigIntValue.Of(bx - by);
        if (IsNumber(a) && IsNumber(b)) return new FloatValue(ToDouble(a) - ToDouble(b));
        throw Unsupported("-", a, b);
    }

    public static TemplateValue Multiply(TemplateValue a, TemplateValue b, RenderContext context)
    {
        FailIfUndefined(a, b);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y)) return Checked(() => checked(x * y), () => (BigInteger)x * y);
        if (TryBig(a, b, out var bx, out var by)) return BigIntValue.Of(bx * by);
        if (IsNumber(a) && IsNumber(b)) return new FloatValue(ToDouble(a) * ToDouble(b));
        if (a is IntValue or BoolValue && b is StringValue or ListValue { IsSequence: true }) (a, b) = (b, a);
        if (a is StringValue s && TryGetInteger(b, out var n))
        {
            if (n <= 0) return StringValue.Empty;
            context.CheckLength(s.Value.Length * n);
            var sb = new StringBuilder(s.Value.Length * (int)n);
            for (long i = 0; i < n; i++) sb.Append(s.Value);
            return new StringValue(sb.ToString());
        }
        if (a is ListValue { IsSequence: true } l && TryGetInteger(b, out var m))
        {
            if (m <= 0) return new ListValue([], l.IsTuple);
            context.CheckLength(l.Items.Count * m);
            var items = new List<TemplateValue>();
            for (long i = 0; i < m; i++) items.AddRange(l.Items);
            return new ListValue(items, l.IsTuple);
        }
        throw Unsupported("*", a, b);
    }

    public static TemplateValue Divide(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported("/", a, b);
        var d = ToDouble(b);
        if (d == 0) throw new TemplateRuntimeException(a is FloatValue || b is FloatValue ? "ZeroDivisionError: float division by zero" : "ZeroDivisionError: division by zero");
        return new FloatValue(ToDouble(a) / d);
    }

    public static TemplateValue FloorDivide(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y))
        {
            if (y == 0) throw new TemplateRuntimeException("ZeroDivisionError: integer division or modulo by zero");
            if (x == long.MinValue && y == -1) return BigIntValue.Of(-(BigInteger)x);
            var q = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
            return IntValue.Of(q);
        }
        if (TryBig(a, b, out var bx, out var by))
        {
            if (by.IsZero) throw new TemplateRuntimeException("ZeroDivisionError: integer division or modulo by zero");
            var bq = BigInteger.DivRem(bx, by, out var br);
            if (!br.IsZero && (br.Sign < 0) != (by.Sign < 0)) bq -= 1;
            return BigIntValue.Of(bq);
        }
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported("//", a, b);
        var d = ToDouble(b);
        if (d == 0) throw new TemplateRuntimeException("ZeroDivisionError: float floor division by zero");
        return new FloatValue(Math.Floor(ToDouble(a) / d));
    }

    public static TemplateValue Modulo(TemplateValue a, TemplateValue b, RenderContext context)
    {
        FailIfUndefined(a, b);
        if (a is StringValue format) return PythonFormat.Percent(format.Value, b, context);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y))
        {
            if (y == 0) throw new TemplateRuntimeException("ZeroDivisionError: integer division or modulo by zero");
            if (y == -1) return IntValue.Of(0);
            var r = x % y;
            if (r != 0 && ((r < 0) != (y < 0))) r += y;
            return IntValue.Of(r);
        }
        if (TryBig(a, b, out var bx, out var by))
        {
            if (by.IsZero) throw new TemplateRuntimeException("ZeroDivisionError: integer division or modulo by zero");
            var br = BigInteger.Remainder(bx, by);
            if (!br.IsZero && (br.Sign < 0) != (by.Sign < 0)) br += by;
            return BigIntValue.Of(br);
        }
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported("%", a, b);
        double fx = ToDouble(a), fy = ToDouble(b);
        if (fy == 0) throw new TemplateRuntimeException("ZeroDivisionError: float modulo");
        var m = fx % fy;
        if (m != 0 && ((m < 0) != (fy < 0))) m += fy;
        return new FloatValue(m);
    }

    public static TemplateValue Power(TemplateValue a, TemplateValue b)
    {
        FailIfUndefined(a, b);
        if (TryGetInteger(a, out var x) && TryGetInteger(b, out var y) && y >= 0)
        {
            if (y > 64 && Math.Abs(x) > 1 && y * Math.Log10(Math.Abs((double)x)) > BigIntValue.MaxDigits)
                throw new TemplateRuntimeException(
                    $"the template built an integer of more than {BigIntValue.MaxDigits} digits (Python refuses to print those)", ChatTemplateErrorKind.LimitExceeded);
            return Checked(() =>
            {
                long result = 1, power = x;
                var e = y;
                while (e > 0)
                {
                    if ((e & 1) == 1) result = checked(result * power);
                    e >>= 1;
                    if (e > 0) power = checked(power * power);
                }
                return result;
            }, () => BigInteger.Pow(x, (int)Math.Min(y, int.MaxValue)));
        }
        if (!IsNumber(a) || !IsNumber(b)) throw Unsupported("** or pow()", a, b);
        return new FloatValue(Math.Pow(ToDouble(a), ToDouble(b)));
    }

    public static TemplateValue Negate(TemplateValue a)
    {
        if (a is UndefinedValue u) throw u.Fail();
        if (TryGetInteger(a, out var x)) return Checked(() => checked(-x), () => -(BigInteger)x);
        if (a is BigIntValue big) return BigIntValue.Of(-big.Value);
        if (a is FloatValue f) return new FloatValue(-f.Value);
        throw new TemplateRuntimeException($"TypeError: bad operand type for unary -: '{a.TypeName}'");
    }

    public static TemplateValue Plus(TemplateValue a)
    {
        if (a is UndefinedValue u) throw u.Fail();
        if (TryGetInteger(a, out var x)) return IntValue.Of(x);
        if (a is FloatValue) return a;
        throw new TemplateRuntimeException($"TypeError: bad operand type for unary +: '{a.TypeName}'");
    }

    /// <summary>Python's <c>len()</c>; Jinja's Undefined has length 0.</summary>
    public static long Length(TemplateValue v) => v switch
    {
        StringValue s => PythonString.Length(s.Value),
        ListValue l => l.Items.Count,
        DictValue d => d.Count,
        UndefinedValue => 0,
        _ => throw new TemplateRuntimeException($"TypeError: object of type '{v.TypeName}' has no len()"),
    };
}
