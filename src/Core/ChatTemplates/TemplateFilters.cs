using System.Text;
using System.Text.RegularExpressions;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The filters a chat template can use: Jinja 3.1's builtin filters that make sense without HTML or a loader, with
/// transformers' <c>tojson</c> in place of Jinja's. Jinja filters not implemented here are rejected when the template
/// is parsed (<see cref="UnsupportedMessage"/>), so an unusable template fails at upload, not at the first render.
/// </summary>
internal static partial class TemplateFilters
{
    delegate TemplateValue Filter(TemplateValue value, CallArguments args, RenderContext context);

    /// <summary>Jinja's builtin filters that this interpreter does not implement.</summary>
    static readonly HashSet<string> NotImplemented =
    [
        "batch", "filesizeformat", "forceescape", "groupby", "pprint", "random", "slice", "striptags", "truncate",
        "urlencode", "urlize", "wordwrap", "xmlattr",
    ];

    static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
    {
        ["abs"] = (v, a, _) =>
        {
            a.Bind("abs");
            return v switch
            {
                FloatValue f => new FloatValue(Math.Abs(f.Value)),
                BigIntValue big => BigIntValue.Of(System.Numerics.BigInteger.Abs(big.Value)),
                _ when PythonOps.TryGetInteger(v, out var n) => n < 0 ? PythonOps.Negate(IntValue.Of(n)) : IntValue.Of(n),
                _ => throw new TemplateRuntimeException($"TypeError: bad operand type for abs(): '{v.TypeName}'"),
            };
        },
        ["attr"] = (v, a, _) =>
        {
            var name = a.Bind("attr", "name")[0] as StringValue ?? throw new TemplateRuntimeException("TypeError: attr() needs an attribute name");
            if (v is UndefinedValue u) throw u.Fail();
            return v.FindAttribute(name.Value) ?? UndefinedValue.Member(v, name);
        },
        ["capitalize"] = (v, a, _) => { a.Bind("capitalize"); return new StringValue(PythonString.Capitalize(v.Str())); },
        ["center"] = (v, a, ctx) =>
        {
            var width = a.Bind("center", "width")[0] ?? IntValue.Of(80);
            return StringMethods.Bind(new StringValue(v.Str()), "center")!.Call(new CallArguments([width], []), ctx);
        },
        ["default"] = (v, a, _) =>
        {
            var b = a.Bind("default", "default_value", "boolean");
            return v is UndefinedValue || (b[1]?.IsTrue == true && !v.IsTrue) ? b[0] ?? StringValue.Empty : v;
        },
        ["dictsort"] = (v, a, _) =>
        {
            var b = a.Bind("dictsort", "case_sensitive", "by", "reverse");
            if (v is not DictValue d) throw new TemplateRuntimeException("TypeError: dictsort() needs a mapping");
            var byValue = b[1] is StringValue { Value: "value" };
            if (b[1] is StringValue { Value: not ("key" or "value") })
                throw new TemplateRuntimeException("FilterArgumentError: You can only sort by either \"key\" or \"value\"");
            var sorted = SortValues(d.Entries.ToList(), e => byValue ? e.Value : e.Key, b[0]?.IsTrue ?? false);
            if (b[2]?.IsTrue == true) sorted.Reverse();
            return new ListValue(sorted.Select(e => (TemplateValue)new ListValue([e.Key, e.Value], isTuple: true)).ToList());
        },
        ["escape"] = (v, a, _) => { a.Bind("escape"); return new StringValue(HtmlEscape(v.Str())); },
        ["first"] = (v, a, _) =>
        {
            a.Bind("first");
            var items = v.Iterate();
            return items.Count > 0 ? items[0] : UndefinedValue.WithHint("No first item, sequence was empty.");
        },
        ["last"] = (v, a, _) =>
        {
            a.Bind("last");
            var items = v.Iterate();
            return items.Count > 0 ? items[^1] : UndefinedValue.WithHint("No last item, sequence was empty.");
        },
        ["float"] = (v, a, _) =>
        {
            var fallback = a.Bind("float", "default")[0] ?? new FloatValue(0);
            if (v is UndefinedValue u) throw u.Fail();
            return ToFloat(v) is { } d ? new FloatValue(d) : fallback;
        },
        ["format"] = (v, a, ctx) =>
        {
            if (a.Positional.Count > 0 && a.Keywords.Count > 0)
                throw new TemplateRuntimeException("FilterArgumentError: can't handle positional and keyword arguments at the same time");
            TemplateValue args = a.Keywords.Count > 0
                ? new DictValue(a.Keywords.Select(k => new KeyValuePair<TemplateValue, TemplateValue>(new StringValue(k.Key), k.Value)))
                : new ListValue(a.Positional, isTuple: true);
            return PythonFormat.Percent(v.Str(), args, ctx);
        },
        ["indent"] = (v, a, ctx) =>
        {
            var b = a.Bind("indent", "width", "first", "blank");
            if (v is UndefinedValue u) throw u.Fail();
            if (v is not StringValue s) throw new TemplateRuntimeException($"TypeError: unsupported operand type(s) for +=: '{v.TypeName}' and 'str'");
            var indentation = b[0] switch
            {
                null => "    ",
                StringValue w => w.Value,
                var w when PythonOps.TryGetInteger(w, out var n) => new string(' ', (int)Math.Max(0, Math.Min(n, 10_000))),
                var w => throw new TemplateRuntimeException($"TypeError: can't multiply sequence by non-int of type '{w.TypeName}'"),
            };
            var lines = PythonString.SplitLines(s.Value + "\n", keepEnds: false);
            string result;
            if (b[2]?.IsTrue == true) result = string.Join("\n" + indentation, lines);
            else
            {
                var sb = new StringBuilder(lines[0]);
                for (var i = 1; i < lines.Count; i++)
                {
                    sb.Append('\n');
                    if (lines[i].Length > 0) sb.Append(indentation);
                    sb.Append(lines[i]);
                }
                result = sb.ToString();
            }
            if (b[1]?.IsTrue == true) result = indentation + result;
            ctx.CheckLength(result.Length);
            return new StringValue(result);
        },
        ["int"] = (v, a, _) =>
        {
            var b = a.Bind("int", "default", "base");
            var fallback = b[0] ?? IntValue.Of(0);
            var numberBase = b[1] is null ? 10 : PythonOps.TryGetInteger(b[1]!, out var nb) ? (int)nb : 10;
            switch (v)
            {
                case UndefinedValue u: throw u.Fail();
                case BigIntValue: return v;
                case IntValue or BoolValue: PythonOps.TryGetInteger(v, out var n); return IntValue.Of(n);
                case FloatValue f: return double.IsFinite(f.Value) && Math.Abs(f.Value) < 9.2e18 ? IntValue.Of((long)Math.Truncate(f.Value)) : fallback;
                case StringValue s:
                    var text = PythonString.Strip(s.Value, null, true, true).Replace("_", "", StringComparison.Ordinal);
                    try { return IntValue.Of(Convert.ToInt64(text, numberBase is 2 or 8 or 16 ? numberBase : 10)); }
                    catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                    {
                        return ToFloat(s) is { } d && double.IsFinite(d) && Math.Abs(d) < 9.2e18 ? IntValue.Of((long)Math.Truncate(d)) : fallback;
                    }
                default: return fallback;
            }
        },
        ["items"] = (v, a, _) =>
        {
            a.Bind("items");
            return v switch
            {
                UndefinedValue => IteratorValue.Generator("do_items", []),
                DictValue d => IteratorValue.Generator("do_items", CollectionMethods.Items(d).Items),
                _ => throw new TemplateRuntimeException("TypeError: Can only get item pairs from a mapping."),
            };
        },
        ["join"] = (v, a, ctx) =>
        {
            var b = a.Bind("join", "d", "attribute");
            var separator = b[0]?.Str() ?? "";
            var items = v.Iterate();
            var getter = b[1] is null ? null : AttributeGetter(b[1]!, null);
            var sb = new StringBuilder();
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0) sb.Append(separator);
                (getter is null ? items[i] : getter(items[i])).WriteStr(sb);
                ctx.CheckLength(sb.Length);
            }
            return new StringValue(sb.ToString());
        },
        ["length"] = (v, a, _) => { a.Bind("length"); return IntValue.Of(PythonOps.Length(v)); },
        ["list"] = (v, a, _) => { a.Bind("list"); return new ListValue(v.Iterate().ToList()); },
        ["lower"] = (v, a, _) => { a.Bind("lower"); return new StringValue(PythonString.Lower(v.Str())); },
        ["upper"] = (v, a, _) => { a.Bind("upper"); return new StringValue(PythonString.Upper(v.Str())); },
        ["map"] = (v, a, ctx) =>
        {
            // Jinja's map, select and reject start with `if value:`, so a falsy input (0, none, '') maps to nothing.
            if (!v.IsTrue) return IteratorValue.Generator("sync_do_map", []);
            var items = v.Iterate();
            if (a.Positional.Count == 0 && a.Keywords.Any(k => k.Key == "attribute"))
            {
                var b = a.Bind("map", "attribute", "default");
                var getter = AttributeGetter(b[0]!, null);
                return IteratorValue.Generator("sync_do_map", items.Select(item =>
                {
                    var x = getter(item);
                    return x is UndefinedValue && b[1] is not null ? b[1]! : x;
                }).ToList());
            }
            if (a.Positional.Count == 0 || a.Positional[0] is not StringValue filterName)
                throw new TemplateRuntimeException("FilterArgumentError: map requires a filter argument");
            var rest = new CallArguments(a.Positional.Skip(1).ToList(), a.Keywords);
            return IteratorValue.Generator("sync_do_map", items.Select(item => Apply(filterName.Value, item, rest, ctx)).ToList());
        },
        ["max"] = (v, a, _) => MinOrMax(v, a, "max", max: true),
        ["min"] = (v, a, _) => MinOrMax(v, a, "min", max: false),
        ["reject"] = (v, a, ctx) => SelectOrReject(v, a, ctx, byAttribute: false, select: false),
        ["rejectattr"] = (v, a, ctx) => SelectOrReject(v, a, ctx, byAttribute: true, select: false),
        ["select"] = (v, a, ctx) => SelectOrReject(v, a, ctx, byAttribute: false, select: true),
        ["selectattr"] = (v, a, ctx) => SelectOrReject(v, a, ctx, byAttribute: true, select: true),
        ["replace"] = (v, a, ctx) =>
        {
            var b = a.Bind("replace", "old", "new", "count");
            if (b[0] is null || b[1] is null) throw new TemplateRuntimeException("TypeError: replace() needs the old and the new string");
            var count = b[2] is null or NoneValue ? -1 : PythonOps.TryGetInteger(b[2]!, out var c) ? c : -1;
            var result = PythonString.Replace(v.Str(), b[0]!.Str(), b[1]!.Str(), count);
            ctx.CheckLength(result.Length);
            return new StringValue(result);
        },
        ["reverse"] = (v, a, _) =>
        {
            a.Bind("reverse");
            // Jinja returns reversed(value): an iterator for a list, tuple or dict; a list when the value cannot be
            // reversed directly (a generator).
            return v switch
            {
                StringValue s => new StringValue(PythonString.FromCodePoints(PythonString.CodePoints(s.Value).Reverse())),
                ListValue l => new IteratorValue(l.IsTuple ? "reversed" : "list_reverseiterator", "", l.Items.Reverse().ToList()),
                DictValue d => new IteratorValue("dict_reversekeyiterator", "", d.Iterate().Reverse().ToList()),
                UndefinedValue => new IteratorValue("reversed", "", []),
                _ => new ListValue(v.Iterate().Reverse().ToList()),
            };
        },
        ["round"] = (v, a, _) =>
        {
            var b = a.Bind("round", "precision", "method");
            var precision = b[0] is null ? 0 : PythonOps.TryGetInteger(b[0]!, out var p) ? (int)p : 0;
            var method = b[1] is StringValue m ? m.Value : "common";
            var x = ToFloat(v) ?? throw new TemplateRuntimeException($"TypeError: round() needs a number, not {v.TypeName}");
            var scale = Math.Pow(10, precision);
            return method switch
            {
                "common" => new FloatValue(Math.Round(x, Math.Clamp(precision, 0, 15), MidpointRounding.ToEven)),
                "ceil" => new FloatValue(Math.Ceiling(x * scale) / scale),
                "floor" => new FloatValue(Math.Floor(x * scale) / scale),
                _ => throw new TemplateRuntimeException("FilterArgumentError: method must be common, ceil or floor"),
            };
        },
        ["safe"] = (v, a, _) => { a.Bind("safe"); return v is StringValue ? v : new StringValue(v.Str()); },
        ["sort"] = (v, a, _) =>
        {
            var b = a.Bind("sort", "reverse", "case_sensitive", "attribute");
            var getter = b[2] is null ? null : AttributeGetter(b[2]!, null);
            return new ListValue(SortValues(v.Iterate().ToList(), x => getter is null ? x : getter(x),
                caseSensitive: b[1]?.IsTrue ?? false, descending: b[0]?.IsTrue ?? false));
        },
        ["string"] = (v, a, _) => { a.Bind("string"); return v is StringValue ? v : new StringValue(v.Str()); },
        ["sum"] = (v, a, ctx) =>
        {
            var b = a.Bind("sum", "attribute", "start");
            var getter = b[0] is null ? null : AttributeGetter(b[0]!, null);
            var total = b[1] ?? IntValue.Of(0);
            foreach (var item in v.Iterate()) total = PythonOps.Add(total, getter is null ? item : getter(item), ctx);
            return total;
        },
        ["title"] = (v, a, _) =>
        {
            a.Bind("title");
            return new StringValue(string.Concat(WordBeginning().Split(v.Str()).Where(w => w.Length > 0)
                .Select(w => char.ToUpperInvariant(w[0]) + w[1..].ToLowerInvariant())));
        },
        ["tojson"] = (v, a, ctx) =>
        {
            var b = a.Bind("tojson", "ensure_ascii", "indent", "separators", "sort_keys");
            var indent = b[1] switch
            {
                null or NoneValue => null,
                StringValue s => s.Value,
                var w when PythonOps.TryGetInteger(w, out var n) => new string(' ', (int)Math.Max(0, Math.Min(n, 1000))),
                var w => throw new TemplateRuntimeException($"TypeError: can't multiply sequence by non-int of type '{w.TypeName}'"),
            };
            string itemSeparator = indent is null ? ", " : ",", keySeparator = ": ";
            if (b[2] is not null and not NoneValue)
            {
                var parts = b[2]!.Iterate();
                if (parts.Count != 2 || parts[0] is not StringValue i || parts[1] is not StringValue k)
                    throw new TemplateRuntimeException("ValueError: tojson separators must be a pair of strings");
                (itemSeparator, keySeparator) = (i.Value, k.Value);
            }
            var json = PythonJson.Dumps(v, new PythonJson.Options(b[0]?.IsTrue ?? false, indent, itemSeparator, keySeparator, b[3]?.IsTrue ?? false));
            ctx.CheckLength(json.Length);
            return new StringValue(json);
        },
        ["trim"] = (v, a, _) =>
        {
            var chars = a.Bind("trim", "chars")[0];
            return new StringValue(PythonString.Strip(v.Str(), chars is null or NoneValue ? null : chars.Str(), true, true));
        },
        ["unique"] = (v, a, _) =>
        {
            var b = a.Bind("unique", "case_sensitive", "attribute");
            var caseSensitive = b[0]?.IsTrue ?? false;
            var getter = b[1] is null ? null : AttributeGetter(b[1]!, null);
            var seen = new HashSet<TemplateValue>(ValueKeyComparer.Instance);
            var result = new List<TemplateValue>();
            foreach (var item in v.Iterate())
            {
                var key = getter is null ? item : getter(item);
                if (!caseSensitive) key = IgnoreCase(key);
                PythonOps.EnsureHashable(key);
                if (seen.Add(key)) result.Add(item);
            }
            return IteratorValue.Generator("sync_do_unique", result);
        },
        ["wordcount"] = (v, a, _) => { a.Bind("wordcount"); return IntValue.Of(Word().Count(v.Str())); },
    };

    static TemplateFilters()
    {
        All["d"] = All["default"];
        All["e"] = All["escape"];
        All["count"] = All["length"];
    }

    public static bool IsKnown(string name) => All.ContainsKey(name);

    /// <summary>Why a filter name cannot be used, or null when it can.</summary>
    public static string? UnsupportedMessage(string name) =>
        All.ContainsKey(name) ? null
        : NotImplemented.Contains(name) ? $"the Jinja filter '{name}' is not supported in chat templates here"
        : $"No filter named '{name}'.";

    public static TemplateValue Apply(string name, TemplateValue value, CallArguments arguments, RenderContext context)
    {
        if (!All.TryGetValue(name, out var filter)) throw new TemplateRuntimeException(UnsupportedMessage(name)!);
        return filter(value, arguments, context);
    }

    [GeneratedRegex(@"([-\s\(\{\[\<]+)")]
    private static partial Regex WordBeginning();

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();

    static string HtmlEscape(string s) => s.Replace("&", "&amp;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal).Replace("\"", "&#34;", StringComparison.Ordinal);

    static double? ToFloat(TemplateValue v)
    {
        if (PythonOps.TryGetInteger(v, out var n)) return n;
        if (v is FloatValue f) return f.Value;
        if (v is StringValue s && double.TryParse(PythonString.Strip(s.Value, null, true, true).Replace("_", "", StringComparison.Ordinal),
                System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var d)) return d;
        return null;
    }

    static TemplateValue IgnoreCase(TemplateValue v) => v is StringValue s ? new StringValue(PythonString.Lower(s.Value)) : v;

    /// <summary>Jinja's make_attrgetter: <c>"a.b"</c> or <c>"0"</c> looked up part by part, item first.</summary>
    static Func<TemplateValue, TemplateValue> AttributeGetter(TemplateValue attribute, TemplateValue? fallback)
    {
        var parts = attribute is StringValue s
            ? s.Value.Split('.').Select(p => p.Length > 0 && p.All(char.IsAsciiDigit) ? (TemplateValue)IntValue.Of(long.Parse(p, System.Globalization.CultureInfo.InvariantCulture)) : new StringValue(p)).ToArray()
            : [attribute];
        return item =>
        {
            foreach (var part in parts)
            {
                item = item.GetItem(part);
                if (item is UndefinedValue && fallback is not null) return fallback;
            }
            return item;
        };
    }

    /// <summary>Python's stable <c>sorted()</c> by <c>&lt;</c>, strings compared lower-cased unless case-sensitive.</summary>
    public static List<T> SortValues<T>(List<T> items, Func<T, TemplateValue> key, bool caseSensitive, bool descending = false)
    {
        var comparer = Comparer<TemplateValue>.Create((x, y) =>
        {
            if (!caseSensitive) { x = IgnoreCase(x); y = IgnoreCase(y); }
            return PythonOps.Compare(x, y, "<");
        });
        try
        {
            return descending ? items.OrderByDescending(key, comparer).ToList() : items.OrderBy(key, comparer).ToList();
        }
        catch (InvalidOperationException e) when (e.InnerException is TemplateRuntimeException inner)
        {
            // Array.Sort wraps a comparer's exception; what the template did wrong is the inner one ('<' not supported).
            throw inner;
        }
    }

    static TemplateValue MinOrMax(TemplateValue v, CallArguments a, string name, bool max)
    {
        var b = a.Bind(name, "case_sensitive", "attribute");
        var items = v.Iterate();
        if (items.Count == 0) return UndefinedValue.WithHint("No aggregated item, sequence was empty.");
        var getter = b[1] is null ? (Func<TemplateValue, TemplateValue>)(x => x) : AttributeGetter(b[1]!, null);
        var caseSensitive = b[0]?.IsTrue ?? false;
        TemplateValue Key(TemplateValue x) => caseSensitive ? getter(x) : IgnoreCase(getter(x));
        var best = items[0];
        foreach (var item in items.Skip(1))
        {
            var c = PythonOps.Compare(Key(item), Key(best), max ? ">" : "<");
            if (max ? c > 0 : c < 0) best = item;
        }
        return best;
    }

    static IteratorValue SelectOrReject(TemplateValue v, CallArguments a, RenderContext ctx, bool byAttribute, bool select)
    {
        if (!v.IsTrue) return IteratorValue.Generator("select_or_reject", []);
        var args = a.Positional;
        var offset = 0;
        Func<TemplateValue, TemplateValue> getter = x => x;
        if (byAttribute)
        {
            if (args.Count == 0) throw new TemplateRuntimeException("TypeError: Missing parameter for attribute name");
            getter = AttributeGetter(args[0], null);
            offset = 1;
        }
        Func<TemplateValue, bool> predicate;
        if (args.Count > offset)
        {
            var testName = args[offset] as StringValue ?? throw new TemplateRuntimeException("TypeError: the test name must be a string");
            var testArgs = new CallArguments(args.Skip(offset + 1).ToList(), a.Keywords);
            predicate = x => TemplateTests.Run(testName.Value, x, testArgs, ctx);
        }
        else predicate = x => x.IsTrue;
        return IteratorValue.Generator("select_or_reject", v.Iterate().Where(item => predicate(getter(item)) == select).ToList());
    }
}
