namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The global functions a chat template can call: Jinja's own (<c>namespace</c>, <c>range</c>, <c>dict</c>) and the
/// two transformers adds (<c>raise_exception</c>, <c>strftime_now</c>). Jinja's <c>lipsum</c>, <c>cycler</c> and
/// <c>joiner</c> are defined but fail when called.
/// </summary>
internal static class Builtins
{
    /// <summary>Jinja's sandbox refuses ranges longer than this (MAX_RANGE).</summary>
    const long MaxRange = 100_000;

    public static readonly IReadOnlyDictionary<string, TemplateValue> Globals = new Dictionary<string, TemplateValue>(StringComparer.Ordinal)
    {
        ["raise_exception"] = new FunctionValue("raise_exception", (a, _) =>
        {
            var message = a.Bind("raise_exception", "message")[0]
                ?? throw new TemplateRuntimeException("TypeError: raise_exception() missing 1 required positional argument: 'message'");
            throw new TemplateRuntimeException(message.Str(), ChatTemplateErrorKind.Raised);
        }),
        ["strftime_now"] = new FunctionValue("strftime_now", (a, ctx) =>
        {
            var format = a.Bind("strftime_now", "format")[0] as StringValue
                ?? throw new TemplateRuntimeException("TypeError: strftime_now() takes one string argument, the format");
            return new StringValue(PythonStrftime.Format(ctx.Now, format.Value));
        }),
        ["namespace"] = new FunctionValue("namespace", (a, _) =>
        {
            var ns = new NamespaceValue();
            if (a.Positional.Count > 1) throw new TemplateRuntimeException("TypeError: namespace() takes at most 1 positional argument");
            if (a.Positional.Count == 1)
                foreach (var (key, value) in Pairs(a.Positional[0], "namespace"))
                    ns.Set(key is StringValue s ? s.Value : key.Str(), value);
            foreach (var (key, value) in a.Keywords) ns.Set(key, value);
            return ns;
        }),
        ["dict"] = new FunctionValue("dict", (a, _) =>
        {
            if (a.Positional.Count > 1) throw new TemplateRuntimeException($"TypeError: dict expected at most 1 argument, got {a.Positional.Count}");
            var pairs = a.Positional.Count == 1 ? Pairs(a.Positional[0], "dict") : [];
            return new DictValue(pairs.Concat(a.Keywords.Select(k => new KeyValuePair<TemplateValue, TemplateValue>(new StringValue(k.Key), k.Value))));
        }),
        ["range"] = new FunctionValue("range", (a, ctx) =>
        {
            if (a.Keywords.Count > 0) throw new TemplateRuntimeException("TypeError: range() takes no keyword arguments");
            var n = a.Positional.Select(v => PythonOps.TryGetInteger(v, out var x) ? x
                : throw new TemplateRuntimeException($"TypeError: '{v.TypeName}' object cannot be interpreted as an integer")).ToArray();
            var (start, stop, step) = n.Length switch
            {
                1 => (0L, n[0], 1L),
                2 => (n[0], n[1], 1L),
                3 => (n[0], n[1], n[2]),
                _ => throw new TemplateRuntimeException($"TypeError: range expected 1 to 3 arguments, got {n.Length}"),
            };
            if (step == 0) throw new TemplateRuntimeException("ValueError: range() arg 3 must not be zero");
            var count = step > 0 ? (stop > start ? (stop - start + step - 1) / step : 0) : (start > stop ? (start - stop - step - 1) / -step : 0);
            if (count > MaxRange)
                throw new TemplateRuntimeException($"Range too big. The sandbox blocks ranges larger than MAX_RANGE ({MaxRange}).");
            var items = new TemplateValue[count];
            for (long i = 0; i < count; i++) items[i] = IntValue.Of(start + i * step);
            return new ListValue(items);
        }),
        ["lipsum"] = Unsupported("lipsum"),
        ["cycler"] = Unsupported("cycler"),
        ["joiner"] = Unsupported("joiner"),
    };

    static FunctionValue Unsupported(string name) =>
        new(name, (_, _) => throw new TemplateRuntimeException($"the Jinja global {name}() is not supported in chat templates here"));

    static IEnumerable<KeyValuePair<TemplateValue, TemplateValue>> Pairs(TemplateValue source, string function)
    {
        if (source is DictValue d) return d.Entries;
        return source.Iterate().Select(item =>
        {
            var pair = item.Iterate();
            if (pair.Count != 2)
                throw new TemplateRuntimeException($"ValueError: {function}() update sequence element has length {pair.Count}; 2 is required");
            return new KeyValuePair<TemplateValue, TemplateValue>(pair[0], pair[1]);
        }).ToList();
    }
}
