namespace TuningService.Core.ChatTemplates;

/// <summary><c>target[start:stop:step]</c> on a str, list or tuple, with Python's rules for negative and missing
/// bounds (<c>messages[1:]</c>, <c>out[:-1]</c>, <c>messages[::-1]</c>).</summary>
internal sealed class SliceExpr(Expr target, Expr? start, Expr? stop, Expr? step, int line, int column) : Expr(line, column)
{
    public override TemplateValue Evaluate(RenderContext context, Scope scope)
    {
        var value = target.Evaluate(context, scope);
        var a = start?.Evaluate(context, scope);
        var b = stop?.Evaluate(context, scope);
        var c = step?.Evaluate(context, scope);
        At(context);
        if (value is UndefinedValue u) throw u.Fail();
        switch (value)
        {
            case ListValue { IsSequence: true } list:
                return new ListValue(Indices(list.Items.Count, a, b, c).Select(i => list.Items[i]).ToList(), list.IsTuple);
            case StringValue s when !PythonString.HasSurrogates(s.Value):
                return new StringValue(string.Concat(Indices(s.Value.Length, a, b, c).Select(i => s.Value[i])));
            case StringValue s:
                var cps = PythonString.CodePoints(s.Value);
                return new StringValue(PythonString.FromCodePoints(Indices(cps.Length, a, b, c).Select(i => cps[i])));
            case DictValue:
                throw new TemplateRuntimeException("TypeError: unhashable type: 'slice'");
            default:
                // Jinja compiles a slice to a plain Python subscript (not the sandbox's getitem, which would give
                // undefined), so slicing anything else fails as Python does.
                throw new TemplateRuntimeException($"TypeError: '{value.TypeName}' object is not subscriptable");
        }
    }

    static long? Bound(TemplateValue? v)
    {
        if (v is null or NoneValue) return null;
        return PythonOps.TryGetInteger(v, out var n)
            ? n
            : throw new TemplateRuntimeException("TypeError: slice indices must be integers or None or have an __index__ method");
    }

    /// <summary>The indices a Python slice selects (PySlice_AdjustIndices).</summary>
    static IEnumerable<int> Indices(int length, TemplateValue? startValue, TemplateValue? stopValue, TemplateValue? stepValue)
    {
        var step = Bound(stepValue) ?? 1;
        if (step == 0) throw new TemplateRuntimeException("ValueError: slice step cannot be zero");
        long start, stop;
        var s = Bound(startValue);
        var e = Bound(stopValue);
        if (step > 0)
        {
            start = s is null ? 0 : s < 0 ? Math.Max(0, s.Value + length) : Math.Min(s.Value, length);
            stop = e is null ? length : e < 0 ? Math.Max(0, e.Value + length) : Math.Min(e.Value, length);
            for (var i = start; i < stop; i += step) yield return (int)i;
        }
        else
        {
            start = s is null ? length - 1 : s < 0 ? Math.Max(-1, s.Value + length) : Math.Min(s.Value, length - 1);
            stop = e is null ? -1 : e < 0 ? Math.Max(-1, e.Value + length) : Math.Min(e.Value, length - 1);
            for (var i = start; i > stop; i += step) yield return (int)i;
        }
    }
}
