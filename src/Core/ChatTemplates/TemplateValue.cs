using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// A value as a template sees it: Python's data model reduced to what chat templates touch (None, bool, int, float,
/// str, list/tuple, dict, Jinja's Undefined, namespace, loop, macro, builtin function). Templates reach nothing else:
/// there is no reflection over .NET objects, which is what keeps a template sandboxed.
/// </summary>
internal abstract class TemplateValue
{
    /// <summary>Python's type name, as error messages print it ('str', 'dict', 'NoneType', ...).</summary>
    public abstract string TypeName { get; }

    /// <summary>Python truthiness.</summary>
    public virtual bool IsTrue => true;

    /// <summary>Python's <c>str()</c>: what <c>{{ value }}</c> prints.</summary>
    public abstract void WriteStr(StringBuilder sb);

    /// <summary>Python's <c>repr()</c>: how the value prints inside a list or dict.</summary>
    public virtual void WriteRepr(StringBuilder sb) => WriteStr(sb);

    public string Str()
    {
        var sb = new StringBuilder();
        WriteStr(sb);
        return sb.ToString();
    }

    public string Repr()
    {
        var sb = new StringBuilder();
        WriteRepr(sb);
        return sb.ToString();
    }

    /// <summary><c>value.name</c> as Jinja's sandbox resolves it: the Python attribute (a method) first, then the item.
    /// On a dict, <c>json_spec.items</c> is therefore the <c>items</c> method, not the "items" key.</summary>
    public virtual TemplateValue GetAttribute(string name) =>
        FindAttribute(name) ?? TryGetItemByName(name) ?? UndefinedValue.Member(this, new StringValue(name));

    /// <summary><c>value[key]</c>: the item first, then, for a string key, the attribute.</summary>
    public virtual TemplateValue GetItem(TemplateValue key) =>
        TryGetItem(key) ?? (key is StringValue s ? FindAttribute(s.Value) : null) ?? UndefinedValue.Member(this, key);

    /// <summary>Python's <c>value[key]</c>, or null where Python raises KeyError, IndexError or TypeError.</summary>
    public virtual TemplateValue? TryGetItem(TemplateValue key) => null;

    /// <summary><see cref="TryGetItem"/> for a string key (a dict overrides it to skip allocating the key).</summary>
    public virtual TemplateValue? TryGetItemByName(string name) => null;

    /// <summary>The Python attribute <paramref name="name"/> if this type has one (in practice a method), else null.</summary>
    public virtual TemplateValue? FindAttribute(string name) => null;

    /// <summary>Iteration as Python's <c>for</c> sees it.</summary>
    public virtual IReadOnlyList<TemplateValue> Iterate() =>
        throw new TemplateRuntimeException($"TypeError: '{TypeName}' object is not iterable");

    public virtual TemplateValue Call(CallArguments arguments, RenderContext context) =>
        throw new TemplateRuntimeException($"TypeError: '{TypeName}' object is not callable");

    /// <summary>How Jinja names this value's type in "has no attribute" messages ("dict object", "None").</summary>
    public virtual string ObjectTypeRepr => TypeName + " object";

    public override string ToString() => Repr();
}
