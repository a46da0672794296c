using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The Python <c>str</c> methods a template can call (<c>content.strip()</c>, <c>.split('&lt;/think&gt;')[-1]</c>,
/// <c>.startswith(...)</c>, ...). Names that are str methods in Python but not implemented here resolve to a method
/// that fails with a clear message when called, so <c>content.encode</c> is never mistaken for a missing attribute.
/// </summary>
internal static class StringMethods
{
    static readonly HashSet<string> Unsupported =
    [
        "encode", "expandtabs", "format_map", "maketrans", "translate", "isprintable", "isidentifier",
    ];

    public static FunctionValue? Bind(StringValue target, string name)
    {
        var s = target.Value;
        Func<CallArguments, RenderContext, TemplateValue>? body = name switch
        {
            "strip" => (a, _) => Str(PythonString.Strip(s, OptionalStr(a.Bind(name, "chars")[0], name), true, true)),
            "lstrip" => (a, _) => Str(PythonString.Strip(s, OptionalStr(a.Bind(name, "chars")[0], name), true, false)),
            "rstrip" => (a, _) => Str(PythonString.Strip(s, OptionalStr(a.Bind(name, "chars")[0], name), false, true)),
            "split" or "rsplit" => (a, _) =>
            {
                var b = a.Bind(name, "sep", "maxsplit");
                var sep = OptionalStr(b[0], name);
                var max = b[1] is null ? -1 : Int(b[1]!, name);
                var parts = name == "split" ? PythonString.Split(s, sep, max) : PythonString.RSplit(s, sep, max);
                return new ListValue(parts.Select(p => (TemplateValue)new StringValue(p)).ToList());
            },
            "splitlines" => (a, _) => new ListValue(PythonString.SplitLines(s, a.Bind(name, "keepends")[0]?.IsTrue ?? false)
                .Select(p => (TemplateValue)new StringValue(p)).ToList()),
            "startswith" or "endswith" => (a, _) =>
            {
                var b = a.Bind(name, "prefix", "start", "end");
                var text = Slice(s, b[1], b[2], name);
                var affixes = b[0] switch
                {
                    StringValue one => [one.Value],
                    ListValue { IsTuple: true } tuple => tuple.Items.Select(i => RequireStr(i, name)).ToArray(),
                    null => throw new TemplateRuntimeException($"TypeError: {name}() takes at least 1 argument (0 given)"),
                    var other => throw new TemplateRuntimeException(
                        $"TypeError: {name} first arg must be str or a tuple of str, not {other.TypeName}"),
                };
                return BoolValue.Of(affixes.Any(x => name == "startswith"
                    ? text.StartsWith(x, StringComparison.Ordinal)
                    : text.EndsWith(x, StringComparison.Ordinal)));
            },
            "upper" => (a, _) => { a.Bind(name); return Str(PythonString.Upper(s)); },
            "lower" or "casefold" => (a, _) => { a.Bind(name); return Str(PythonString.Lower(s)); },
            "title" => (a, _) => { a.Bind(name); return Str(PythonString.Title(s)); },
            "capitalize" => (a, _) => { a.Bind(name); return Str(PythonString.Capitalize(s)); },
            "swapcase" => (a, _) =>
            {
                a.Bind(name);
                return Str(new string(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray()));
            },
            "replace" => (a, ctx) =>
            {
                var b = a.Bind(name, "old", "new", "count");
                var result = PythonString.Replace(s, RequireStr(b[0], name), RequireStr(b[1], name), b[2] is null ? -1 : Int(b[2]!, name));
                ctx.CheckLength(result.Length);
                return Str(result);
            },
            "index" or "rindex" => (a, ctx) =>
            {
                var at = Bind(target, name == "index" ? "find" : "rfind")!.Call(a, ctx);
                return at is IntValue { Value: -1 } ? throw new TemplateRuntimeException("ValueError: substring not found") : at;
            },
            "find" or "rfind" => (a, _) =>
            {
                var b = a.Bind(name, "sub", "start", "end");
                var sub = RequireStr(b[0], name);
                if (b[1] is not null || b[2] is not null || PythonString.HasSurrogates(s))
                {
                    // Code-point offsets: search the code points of the slice.
                    var cps = PythonString.CodePoints(s);
                    var (start, end) = Bounds(cps.Length, b[1], b[2], name);
                    var window = PythonString.FromCodePoints(cps[start..Math.Max(start, end)]);
                    var at = name == "find" ? window.IndexOf(sub, StringComparison.Ordinal) : window.LastIndexOf(sub, StringComparison.Ordinal);
                    return IntValue.Of(at < 0 ? -1 : start + PythonString.Length(window[..at]));
                }
                return IntValue.Of(name == "find" ? s.IndexOf(sub, StringComparison.Ordinal) : s.LastIndexOf(sub, StringComparison.Ordinal));
            },
            "count" => (a, _) =>
            {
                var sub = RequireStr(a.Bind(name, "sub")[0], name);
                if (sub.Length == 0) return IntValue.Of(PythonString.Length(s) + 1);
                long n = 0;
                for (var at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal)) n++;
                return IntValue.Of(n);
            },
            "join" => (a, ctx) =>
            {
                var items = (a.Bind(name, "iterable")[0] ?? throw new TemplateRuntimeException("TypeError: join() takes exactly one argument (0 given)")).Iterate();
                var sb = new StringBuilder();
                for (var i = 0; i < items.Count; i++)
                {
                    if (i > 0) sb.Append(s);
                    if (items[i] is not StringValue item)
                        throw new TemplateRuntimeException($"TypeError: sequence item {i}: expected str instance, {items[i].TypeName} found");
                    sb.Append(item.Value);
                    ctx.CheckLength(sb.Length);
                }
                return Str(sb.ToString());
            },
            "format" => (a, ctx) =>
            {
                var result = PythonFormat.StrFormat(s, a);
                ctx.CheckLength(result.Length);
                return Str(result);
            },
            "isdigit" or "isdecimal" or "isnumeric" => (a, _) => { a.Bind(name); return BoolValue.Of(s.Length > 0 && s.All(char.IsDigit)); },
            "isalpha" => (a, _) => { a.Bind(name); return BoolValue.Of(s.Length > 0 && s.All(char.IsLetter)); },
            "isalnum" => (a, _) => { a.Bind(name); return BoolValue.Of(s.Length > 0 && s.All(char.IsLetterOrDigit)); },
            "isspace" => (a, _) => { a.Bind(name); return BoolValue.Of(s.Length > 0 && s.All(c => PythonString.IsSpace(c))); },
            "isascii" => (a, _) => { a.Bind(name); return BoolValue.Of(s.All(char.IsAscii)); },
            "isupper" => (a, _) => { a.Bind(name); return BoolValue.Of(s.Any(char.IsUpper) && !s.Any(char.IsLower)); },
            "islower" => (a, _) => { a.Bind(name); return BoolValue.Of(s.Any(char.IsLower) && !s.Any(char.IsUpper)); },
            "istitle" => (a, _) => { a.Bind(name); return BoolValue.Of(s.Any(char.IsLetter) && PythonString.Title(s) == s); },
            "center" or "ljust" or "rjust" => (a, _) =>
            {
                var b = a.Bind(name, "width", "fillchar");
                var width = Int(b[0] ?? throw new TemplateRuntimeException($"TypeError: {name}() takes at least 1 argument (0 given)"), name);
                var fill = b[1] is null ? " " : RequireStr(b[1], name);
                if (PythonString.Length(fill) != 1) throw new TemplateRuntimeException("TypeError: The fill character must be exactly one character long");
                var padding = (int)Math.Max(0, width - PythonString.Length(s));
                var left = name switch { "ljust" => 0, "rjust" => padding, _ => padding / 2 + (padding & (int)width & 1) };
                return Str(string.Concat(Enumerable.Repeat(fill, left)) + s + string.Concat(Enumerable.Repeat(fill, padding - left)));
            },
            "zfill" => (a, _) =>
            {
                var width = Int(a.Bind(name, "width")[0] ?? throw new TemplateRuntimeException("TypeError: zfill() takes exactly one argument (0 given)"), name);
                var padding = (int)Math.Max(0, width - PythonString.Length(s));
                var signed = s.Length > 0 && s[0] is '+' or '-';
                return Str(signed ? s[0] + new string('0', padding) + s[1..] : new string('0', padding) + s);
            },
            "partition" or "rpartition" => (a, _) =>
            {
                var sep = RequireStr(a.Bind(name, "sep")[0], name);
                if (sep.Length == 0) throw new TemplateRuntimeException("ValueError: empty separator");
                var at = name == "partition" ? s.IndexOf(sep, StringComparison.Ordinal) : s.LastIndexOf(sep, StringComparison.Ordinal);
                string[] parts = at < 0
                    ? (name == "partition" ? [s, "", ""] : ["", "", s])
                    : [s[..at], sep, s[(at + sep.Length)..]];
                return new ListValue(parts.Select(p => (TemplateValue)new StringValue(p)).ToList(), isTuple: true);
            },
            "removeprefix" => (a, _) =>
            {
                var prefix = RequireStr(a.Bind(name, "prefix")[0], name);
                return Str(s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s);
            },
            "removesuffix" => (a, _) =>
            {
                var suffix = RequireStr(a.Bind(name, "suffix")[0], name);
                return Str(suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s);
            },
            _ when Unsupported.Contains(name) => (_, _) =>
                throw new TemplateRuntimeException($"str.{name}() is not supported in chat templates here"),
            _ => null,
        };
        return body is null ? null : new FunctionValue("str." + name, body);
    }

    static StringValue Str(string s) => new(s);

    static string? OptionalStr(TemplateValue? v, string function) => v is null or NoneValue ? null : RequireStr(v, function);

    static string RequireStr(TemplateValue? v, string function) => v switch
    {
        StringValue s => s.Value,
        null => throw new TemplateRuntimeException($"TypeError: {function}() missing a required argument"),
        _ => throw new TemplateRuntimeException($"TypeError: {function}() argument must be str, not {v.TypeName}"),
    };

    static long Int(TemplateValue v, string function) =>
        PythonOps.TryGetInteger(v, out var n) ? n : throw new TemplateRuntimeException($"TypeError: {function}() expected an integer, got {v.TypeName}");

    static (int Start, int End) Bounds(int length, TemplateValue? start, TemplateValue? end, string function)
    {
        long a = start is null or NoneValue ? 0 : Int(start, function);
        long b = end is null or NoneValue ? length : Int(end, function);
        if (a < 0) a = Math.Max(0, a + length);
        if (b < 0) b = Math.Max(0, b + length);
        return ((int)Math.Min(a, length), (int)Math.Min(b, length));
    }

    static string Slice(string s, TemplateValue? start, TemplateValue? end, string function)
    {
        if (start is null && end is null) return s;
        var cps = PythonString.CodePoints(s);
        var (a, b) = Bounds(cps.Length, start, end, function);
        return b <= a ? "" : PythonString.FromCodePoints(cps[a..b]);
    }
}
