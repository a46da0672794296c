using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>A builtin callable: a global (<c>raise_exception</c>, <c>namespace</c>, <c>range</c>...) or a bound method
/// of a str, dict or list (<c>content.strip</c>).</summary>
internal sealed class FunctionValue(string name, Func<CallArguments, RenderContext, TemplateValue> body) : TemplateValue
{
    public string Name { get; } = name;

    public override string TypeName => "builtin_function_or_method";

    public override void WriteStr(StringBuilder sb) => sb.Append("<built-in function ").Append(Name).Append('>');

    public override TemplateValue Call(CallArguments arguments, RenderContext context) => body(arguments, context);
}
