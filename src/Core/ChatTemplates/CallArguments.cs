namespace TuningService.Core.ChatTemplates;

/// <summary>The evaluated arguments of a call, filter or test, bound to Python-style signatures by <see cref="Bind"/>.</summary>
internal sealed class CallArguments(IReadOnlyList<TemplateValue> positional, IReadOnlyList<KeyValuePair<string, TemplateValue>> keywords)
{
    public static readonly CallArguments Empty = new([], []);

    public IReadOnlyList<TemplateValue> Positional { get; } = positional;

    public IReadOnlyList<KeyValuePair<string, TemplateValue>> Keywords { get; } = keywords;

    /// <summary>
    /// Binds the arguments to <paramref name="parameters"/> (positional-or-keyword, in order) as Python would; an entry is
    /// null where the caller did not pass that parameter. Too many arguments or an unknown keyword fail as TypeError.
    /// </summary>
    public TemplateValue?[] Bind(string function, params string[] parameters)
    {
        if (Positional.Count > parameters.Length)
            throw new TemplateRuntimeException(
                $"TypeError: {function}() takes at most {parameters.Length} argument{(parameters.Length == 1 ? "" : "s")} ({Positional.Count} given)");
        var bound = new TemplateValue?[parameters.Length];
        for (var i = 0; i < Positional.Count; i++) bound[i] = Positional[i];
        foreach (var (name, value) in Keywords)
        {
            var at = Array.IndexOf(parameters, name);
            if (at < 0) throw new TemplateRuntimeException($"TypeError: {function}() got an unexpected keyword argument '{name}'");
            if (bound[at] is not null) throw new TemplateRuntimeException($"TypeError: {function}() got multiple values for argument '{name}'");
            bound[at] = value;
        }
        return bound;
    }
}
