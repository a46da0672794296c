using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>Python's <c>None</c> (JSON null): defined, falsy, prints as "None".</summary>
internal sealed class NoneValue : TemplateValue
{
    public static readonly NoneValue Instance = new();

    NoneValue() { }

    public override string TypeName => "NoneType";
    public override bool IsTrue => false;
    public override string ObjectTypeRepr => "None";
    public override void WriteStr(StringBuilder sb) => sb.Append("None");
}
