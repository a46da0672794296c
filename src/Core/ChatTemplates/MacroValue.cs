using System.Text;

namespace TuningService.Core.ChatTemplates;

/// <summary>
/// A defined macro. A call binds the arguments in a scope under the one where the macro was defined (not the caller's:
/// a macro does not see the calling loop's variables), renders the body and returns the text as a string, so
/// <c>"List[" + json_to_python_type(spec.items) + "]"</c> works. Calls count as steps and nest at most
/// <see cref="ChatTemplateLimits.MaxCallDepth"/> deep.
/// </summary>
internal sealed class MacroValue(MacroStmt definition, Scope closure) : TemplateValue
{
    public override string TypeName => "Macro";

    public override void WriteStr(StringBuilder sb) => sb.Append("<Macro '").Append(definition.Name).Append("'>");

    public override TemplateValue Call(CallArguments arguments, RenderContext context)
    {
        var parameters = definition.Parameters;
        if (arguments.Positional.Count > parameters.Count)
            throw new TemplateRuntimeException($"macro '{definition.Name}' takes not more than {parameters.Count} argument(s)");
        context.Step();
        if (context.CallDepth >= context.MaxCallDepth)
            throw new TemplateRuntimeException(
                $"macro '{definition.Name}' called itself (or other macros) more than {context.MaxCallDepth} levels deep",
                ChatTemplateErrorKind.LimitExceeded);
        RuntimeGuard.EnsureStack();

        var scope = new Scope(closure);
        var given = new bool[parameters.Count];
        for (var i = 0; i < arguments.Positional.Count; i++)
        {
            scope.Set(parameters[i], arguments.Positional[i]);
            given[i] = true;
        }
        foreach (var (name, value) in arguments.Keywords)
        {
            var at = IndexOf(parameters, name);
            if (at < 0) throw new TemplateRuntimeException($"macro '{definition.Name}' takes no keyword argument '{name}'");
            if (given[at]) throw new TemplateRuntimeException($"macro '{definition.Name}' got multiple values for argument '{name}'");
            scope.Set(name, value);
            given[at] = true;
        }
        for (var i = 0; i < parameters.Count; i++)
        {
            if (given[i]) continue;
            scope.Set(parameters[i], definition.Defaults[i]?.Evaluate(context, scope)
                ?? UndefinedValue.WithHint($"parameter '{parameters[i]}' was not provided"));
        }

        context.CallDepth++;
        context.PushCapture();
        string text;
        try { Stmt.ExecuteAll(definition.Body, context, scope); }
        finally
        {
            text = context.PopCapture();
            context.CallDepth--;
        }
        return new StringValue(text);
    }

    static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
            if (names[i] == name) return i;
        return -1;
    }
}
