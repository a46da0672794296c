namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Jinja's tests (<c>x is defined</c>, <c>x is string</c>, <c>selectattr('role', 'equalto', 'user')</c>), all of
/// Jinja 3.1's builtin set, with Python's type rules: <c>is iterable</c> is true for strings, dicts and undefined;
/// <c>is number</c> is true for booleans; <c>is mapping</c> only for dicts.
/// </summary>
internal static class TemplateTests
{
    delegate bool Test(TemplateValue value, IReadOnlyList<TemplateValue> args, RenderContext context);

    static readonly Dictionary<string, Test> All = new(StringComparer.Ordinal)
    {
        ["defined"] = (v, _, _) => v is not UndefinedValue,
        ["undefined"] = (v, _, _) => v is UndefinedValue,
        ["none"] = (v, _, _) => v is NoneValue,
        ["boolean"] = (v, _, _) => v is BoolValue,
        ["true"] = (v, _, _) => v is BoolValue { Value: true },
        ["false"] = (v, _, _) => v is BoolValue { Value: false },
        ["integer"] = (v, _, _) => v is IntValue or BigIntValue,
        ["float"] = (v, _, _) => v is FloatValue,
        ["number"] = (v, _, _) => v is IntValue or BigIntValue or FloatValue or BoolValue,
        ["string"] = (v, _, _) => v is StringValue,
        ["mapping"] = (v, _, _) => v is DictValue,
        ["sequence"] = (v, _, _) => v is StringValue or ListValue { IsSequence: true } or DictValue or UndefinedValue,
        ["iterable"] = (v, _, _) => v is StringValue or ListValue or DictValue or UndefinedValue or IteratorValue,
        ["callable"] = (v, _, _) => v is FunctionValue or MacroValue or UndefinedValue or LoopValue,
        ["escaped"] = (_, _, _) => false,
        ["lower"] = (v, _, _) => IsCase(v.Str(), lower: true),
        ["upper"] = (v, _, _) => IsCase(v.Str(), lower: false),
        ["odd"] = (v, _, ctx) => PythonOps.Equal(PythonOps.Modulo(v, IntValue.Of(2), ctx), IntValue.Of(1)),
        ["even"] = (v, _, ctx) => PythonOps.Equal(PythonOps.Modulo(v, IntValue.Of(2), ctx), IntValue.Of(0)),
        ["divisibleby"] = (v, a, ctx) => PythonOps.Equal(PythonOps.Modulo(v, Arg(a, 0, "divisibleby"), ctx), IntValue.Of(0)),
        ["sameas"] = (v, a, _) => SameAs(v, Arg(a, 0, "sameas")),
        ["in"] = (v, a, _) => PythonOps.Contains(Arg(a, 0, "in"), v),
        ["filter"] = (v, _, _) => v is StringValue s && TemplateFilters.IsKnown(s.Value),
        ["test"] = (v, _, _) => v is StringValue s && All!.ContainsKey(s.Value),
        ["=="] = (v, a, _) => PythonOps.Equal(v, Arg(a, 0, "==")),
        ["!="] = (v, a, _) => !PythonOps.Equal(v, Arg(a, 0, "!=")),
        [">"] = (v, a, _) => PythonOps.Compare(v, Arg(a, 0, ">"), ">") > 0,
        [">="] = (v, a, _) => PythonOps.Compare(v, Arg(a, 0, ">="), ">=") >= 0,
        ["<"] = (v, a, _) => PythonOps.Compare(v, Arg(a, 0, "<"), "<") < 0,
        ["<="] = (v, a, _) => PythonOps.Compare(v, Arg(a, 0, "<="), "<=") <= 0,
    };

    static TemplateTests()
    {
        foreach (var (alias, name) in new[]
                 {
                     ("eq", "=="), ("equalto", "=="), ("ne", "!="), ("gt", ">"), ("greaterthan", ">"), ("ge", ">="),
                     ("lt", "<"), ("lessthan", "<"), ("le", "<="),
                 })
            All[alias] = All[name];
    }

    public static bool IsKnown(string name) => All.ContainsKey(name);

    public static bool Run(string name, TemplateValue value, CallArguments arguments, RenderContext context)
    {
        if (!All.TryGetValue(name, out var test)) throw new TemplateRuntimeException($"No test named '{name}'.");
        if (arguments.Keywords.Count > 0) throw new TemplateRuntimeException($"TypeError: the test '{name}' takes no keyword arguments");
        return test(value, arguments.Positional, context);
    }

    static TemplateValue Arg(IReadOnlyList<TemplateValue> args, int index, string test) =>
        index < args.Count ? args[index] : throw new TemplateRuntimeException($"TypeError: the test '{test}' needs an argument");

    static bool IsCase(string s, bool lower) =>
        lower ? s.Any(char.IsLower) && !s.Any(char.IsUpper) : s.Any(char.IsUpper) && !s.Any(char.IsLower);

    /// <summary>Python's <c>is</c>: None, True and False are singletons and small ints are cached; other values
    /// are the same only when they are the same object.</summary>
    static bool SameAs(TemplateValue a, TemplateValue b)
    {
        if (ReferenceEquals(a, b)) return true;
        return a is IntValue x && b is IntValue y && x.Value == y.Value && x.Value is >= -5 and <= 256;
    }
}
