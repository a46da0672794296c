namespace TuningService.Core.ChatTemplates;

/// <summary>
/// The Python <c>dict</c> and <c>list</c> methods a template can reach (<c>tool.items()</c>, <c>message.get('x')</c>,
/// <c>names.index(n)</c>). The mutating ones (<c>append</c>, <c>update</c>, <c>pop</c>, ...) resolve to an undefined
/// value that fails when called, with the message transformers' ImmutableSandboxedEnvironment gives.
/// </summary>
internal static class CollectionMethods
{
    static readonly HashSet<string> UnsafeDictMethods = ["clear", "pop", "popitem", "setdefault", "update"];
    static readonly HashSet<string> UnsafeListMethods = ["append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"];

    static UndefinedValue Unsafe(string name, string type) =>
        UndefinedValue.WithHint($"access to attribute '{name}' of '{type}' object is unsafe.");

    public static TemplateValue? BindDict(DictValue d, string name)
    {
        if (UnsafeDictMethods.Contains(name)) return Unsafe(name, "dict");
        return name switch
        {
            "items" => new FunctionValue("dict.items", (a, _) => { a.Bind("items"); return new ListValue(Items(d).Items, viewName: "dict_items"); }),
            "keys" => new FunctionValue("dict.keys", (a, _) => { a.Bind("keys"); return new ListValue(d.Entries.Select(e => e.Key).ToList(), viewName: "dict_keys"); }),
            "values" => new FunctionValue("dict.values", (a, _) => { a.Bind("values"); return new ListValue(d.Entries.Select(e => e.Value).ToList(), viewName: "dict_values"); }),
            "get" => new FunctionValue("dict.get", (a, _) =>
            {
                var b = a.Bind("get", "key", "default");
                var key = b[0] ?? throw new TemplateRuntimeException("TypeError: get expected at least 1 argument, got 0");
                PythonOps.EnsureHashable(key);
                return d.TryGetItem(key) ?? b[1] ?? NoneValue.Instance;
            }),
            "copy" => new FunctionValue("dict.copy", (a, _) => { a.Bind("copy"); return new DictValue(d.Entries); }),
            "fromkeys" => new FunctionValue("dict.fromkeys", (_, _) => throw new TemplateRuntimeException("dict.fromkeys() is not supported in chat templates here")),
            _ => null,
        };
    }

    /// <summary><c>dict.items()</c> and the <c>|items</c> filter: (key, value) tuples in insertion order.</summary>
    public static ListValue Items(DictValue d) =>
        new(d.Entries.Select(e => (TemplateValue)new ListValue([e.Key, e.Value], isTuple: true)).ToList());

    public static TemplateValue? BindList(ListValue l, string name)
    {
        if (!l.IsTuple && UnsafeListMethods.Contains(name)) return Unsafe(name, "list");
        return name switch
        {
            "index" => new FunctionValue(l.TypeName + ".index", (a, _) =>
            {
                var x = a.Bind("index", "value")[0] ?? throw new TemplateRuntimeException("TypeError: index expected 1 argument, got 0");
                for (var i = 0; i < l.Items.Count; i++)
                    if (PythonOps.Equal(l.Items[i], x)) return IntValue.Of(i);
                throw new TemplateRuntimeException($"ValueError: {x.Repr()} is not in {l.TypeName}");
            }),
            "count" => new FunctionValue(l.TypeName + ".count", (a, _) =>
            {
                var x = a.Bind("count", "value")[0] ?? throw new TemplateRuntimeException("TypeError: count() takes exactly one argument (0 given)");
                return IntValue.Of(l.Items.Count(i => PythonOps.Equal(i, x)));
            }),
            "copy" when !l.IsTuple => new FunctionValue("list.copy", (a, _) => { a.Bind("copy"); return new ListValue(l.Items.ToList()); }),
            _ => null,
        };
    }
}
