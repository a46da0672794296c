using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>Python's <c>float</c>; prints as Python's repr (<c>1.0</c>, <c>1e+16</c>).</summary>
internal sealed class FloatValue(double value) : TemplateValue
{
    public double Value { get; } = value;

    public override string TypeName => "float";
    public override bool IsTrue => Value != 0;
    public override void WriteStr(StringBuilder sb) => sb.Append(PythonFloat.Repr(Value));
}
