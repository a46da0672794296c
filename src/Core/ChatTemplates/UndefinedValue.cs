using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// Jinja's default <c>Undefined</c> (transformers does not use StrictUndefined): a missing variable, key or attribute.
/// It prints as "", is falsy, has length 0 and iterates as empty (<c>'x' in undefined</c> is false, <c>is iterable</c>
/// is true); reading an attribute or item of it, calling it, or doing arithmetic or ordering with it raises Jinja's
/// UndefinedError with the message Jinja would give.
/// </summary>
internal sealed class UndefinedValue : TemplateValue
{
    readonly string? hint;
    readonly TemplateValue? owner;
    readonly TemplateValue? key;
    readonly string? name;

    UndefinedValue(string? hint, TemplateValue? owner, TemplateValue? key, string? name)
    {
        this.hint = hint;
        this.owner = owner;
        this.key = key;
        this.name = name;
    }

    /// <summary>A variable that no scope defines.</summary>
    public static UndefinedValue Variable(string name) => new(null, null, null, name);

    /// <summary>A missing attribute or item <paramref name="key"/> of <paramref name="owner"/>.</summary>
    public static UndefinedValue Member(TemplateValue owner, TemplateValue key) => new(null, owner, key, null);

    /// <summary>An undefined value that explains itself with <paramref name="hint"/> when used.</summary>
    public static UndefinedValue WithHint(string hint) => new(hint, null, null, null);

    /// <summary>Jinja's message for this undefined value, as UndefinedError carries it.</summary>
    public string Message
    {
        get
        {
            if (hint is not null) return hint;
            if (owner is null) return $"'{name}' is undefined";
            if (key is not StringValue s) return $"{owner.ObjectTypeRepr} has no element {key!.Repr()}";
            return $"'{owner.ObjectTypeRepr}' has no attribute '{s.Value}'";
        }
    }

    public TemplateRuntimeException Fail() => new(Message);

    public override string TypeName => "Undefined";
    public override bool IsTrue => false;
    public override void WriteStr(StringBuilder sb) { }
    public override void WriteRepr(StringBuilder sb) => sb.Append("Undefined");
    public override TemplateValue GetAttribute(string name) => throw Fail();
    public override TemplateValue GetItem(TemplateValue key) => throw Fail();
    public override IReadOnlyList<TemplateValue> Iterate() => [];
    public override TemplateValue Call(CallArguments arguments, RenderContext context) => throw Fail();
}
