using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>Python's <c>bool</c>; like Python it is also an integer (True + 1 == 2, True == 1).</summary>
internal sealed class BoolValue : TemplateValue
{
    public static readonly BoolValue True = new(true);
    public static readonly BoolValue False = new(false);

    BoolValue(bool value) => Value = value;

    public bool Value { get; }

    public static BoolValue Of(bool value) => value ? True : False;

    public override string TypeName => "bool";
    public override bool IsTrue => Value;
    public override void WriteStr(StringBuilder sb) => sb.Append(Value ? "True" : "False");
}
