namespace TuningService.Core.ChatTemplates;

/// <summary>
/// A Hugging Face chat template (the Jinja <c>chat_template</c> of a <c>tokenizer_config.json</c>), parsed once and
/// rendered many times, byte-for-byte as transformers' <c>apply_chat_template(..., tokenize=False)</c> renders it:
/// Jinja2 in an ImmutableSandboxedEnvironment with <c>trim_blocks</c>, <c>lstrip_blocks</c>, loop controls,
/// transformers' <c>tojson</c>, <c>raise_exception</c> and <c>strftime_now</c>, Python's str/dict/list methods,
/// truthiness and printing. Thread-safe: a parsed template is immutable and each render has its own state.
/// Every failure is a <see cref="ChatTemplateException"/>.
/// </summary>
public sealed class ChatTemplate
{
    readonly IReadOnlyList<Stmt> body;

    ChatTemplate(SourceText source, IReadOnlyList<Stmt> body)
    {
        this.body = body;
        Source = source.Text;
    }

    /// <summary>The template source as parsed (newlines normalised).</summary>
    public string Source { get; }

    /// <summary>Parses <paramref name="source"/>; throws <see cref="ChatTemplateException"/>
    /// (<see cref="ChatTemplateErrorKind.Syntax"/>) on a syntax error or a Jinja feature this interpreter lacks.</summary>
    public static ChatTemplate Parse(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = new SourceText(source);
        try
        {
            return new ChatTemplate(text, TemplateParser.Parse(text));
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ChatTemplateException("the template nests expressions or blocks too deeply", ChatTemplateErrorKind.Syntax);
        }
    }

    /// <summary>Renders the template with <paramref name="input"/> within <paramref name="limits"/>
    /// (<see cref="ChatTemplateLimits.Default"/> when null).</summary>
    public string Render(ChatTemplateInput input, ChatTemplateLimits? limits = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var context = new RenderContext(limits ?? ChatTemplateLimits.Default, input.Now ?? DateTime.Now, cancellationToken);
        try
        {
            var root = new Scope(null);
            root.Set("messages", JsonValueConverter.FromNode(input.Messages));
            root.Set("tools", JsonValueConverter.FromNode(input.Tools));
            root.Set("documents", JsonValueConverter.FromNode(input.Documents));
            root.Set("add_generation_prompt", BoolValue.Of(input.AddGenerationPrompt));
            foreach (var (name, token) in input.SpecialTokens)
                if (token is not null) root.Set(name, new StringValue(token));
            foreach (var (name, value) in input.Variables) root.Set(name, JsonValueConverter.FromNode(value));

            Stmt.ExecuteAll(body, context, root);
            context.CheckTime();
            return context.Output.ToString();
        }
        catch (TemplateRuntimeException e)
        {
            if (e.Kind == ChatTemplateErrorKind.Raised)
                throw new ChatTemplateException(e.Message, e.Kind, context.Line, context.Column);
            throw new ChatTemplateException($"{e.Message} (line {context.Line}, column {context.Column})", e.Kind, context.Line, context.Column);
        }
        catch (InsufficientExecutionStackException)
        {
            throw new ChatTemplateException($"RecursionError: maximum recursion depth exceeded (line {context.Line}, column {context.Column})",
                ChatTemplateErrorKind.LimitExceeded, context.Line, context.Column);
        }
    }
}
