namespace TuningService.Core.ChatTemplates;

/// <summary>The argument expressions of a call, filter or test: positional ones, then <c>name=value</c> ones.</summary>
internal sealed class ArgumentList(IReadOnlyList<Expr> positional, IReadOnlyList<(string Name, Expr Value)> keywords)
{
    public static readonly ArgumentList Empty = new([], []);

    public CallArguments Evaluate(RenderContext context, Scope scope)
    {
        if (positional.Count == 0 && keywords.Count == 0) return CallArguments.Empty;
        var args = new TemplateValue[positional.Count];
        for (var i = 0; i < args.Length; i++) args[i] = positional[i].Evaluate(context, scope);
        var kwargs = new KeyValuePair<string, TemplateValue>[keywords.Count];
        for (var i = 0; i < kwargs.Length; i++) kwargs[i] = new(keywords[i].Name, keywords[i].Value.Evaluate(context, scope));
        return new CallArguments(args, kwargs);
    }
}
