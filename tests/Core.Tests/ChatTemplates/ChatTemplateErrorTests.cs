using System.Text.Json.Nodes;
using TuningService.Core.ChatTemplates;

namespace TuningService.Core.Tests.ChatTemplates;

/// <summary>What a person sees when a template fails: the template's own raise_exception message verbatim, or a
/// message that names the problem and the template line and column.</summary>
public class ChatTemplateErrorTests
{
    static readonly ChatTemplateInput Input = new()
    {
        Messages = JsonNode.Parse("""[{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]"""),
    };

    [Fact]
    public void Raise_exception_carries_the_templates_message_verbatim_with_its_position()
    {
        var template = ChatTemplate.Parse("{% for m in messages %}\n{% if m.role == 'assistant' %}\n  {{ raise_exception('Only user turns, not ' ~ m.role) }}\n{% endif %}{% endfor %}");
        var e = Assert.Throws<ChatTemplateException>(() => template.Render(Input));
        Assert.Equal(ChatTemplateErrorKind.Raised, e.Kind);
        Assert.Equal("Only user turns, not assistant", e.Message);
        Assert.Equal((3, 6), (e.Line, e.Column));
    }

    [Theory]
    [InlineData("{% if x %}\n{{ y|frobnicate }}{% endif %}", "No filter named 'frobnicate'. (line 2, column 6)", 2, 6)]
    [InlineData("{{ x is frobnicate }}", "No test named 'frobnicate'. (line 1, column 9)", 1, 9)]
    [InlineData("a\n{% if x %}b", "Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block that needs to be closed is 'if'. (line 2, column 12)", 2, 12)]
    [InlineData("{% for x in y %}{% endif %}", "Encountered unknown tag 'endif'. The innermost block that needs to be closed is 'for'. (line 1, column 20)", 1, 20)]
    [InlineData("{% include 'other.jinja' %}", "the Jinja tag 'include' is not supported in chat templates here (line 1, column 4)", 1, 4)]
    [InlineData("{{ x|groupby('a') }}", "the Jinja filter 'groupby' is not supported in chat templates here (line 1, column 6)", 1, 6)]
    [InlineData("{{ (1 ] }}", "unexpected ']', expected ')' (line 1, column 7)", 1, 7)]
    [InlineData("{% for x in y recursive %}{% endfor %}", "recursive for loops are not supported in chat templates here (line 1, column 15)", 1, 15)]
    [InlineData("{{ f(*args) }}", "*args and **kwargs in calls are not supported in chat templates here (line 1, column 6)", 1, 6)]
    [InlineData("{% break %}", "'break' outside of a loop (line 1, column 4)", 1, 4)]
    public void Syntax_errors_say_what_and_where(string source, string message, int line, int column)
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source));
        Assert.Equal(ChatTemplateErrorKind.Syntax, e.Kind);
        Assert.Equal(message, e.Message);
        Assert.Equal((line, column), (e.Line, e.Column));
    }

    [Theory]
    [InlineData("\n\n  {{ 'a' + 1 }}", "TypeError: can only concatenate str (not \"int\") to str (line 3, column 10)")]
    [InlineData("{{ messages[0].content.nothere.deeper }}", "'str object' has no attribute 'nothere' (line 1, column 32)")]
    [InlineData("{{ messages.append(1) }}", "access to attribute 'append' of 'list' object is unsafe. (line 1, column 13)")]
    [InlineData("{% for m in messages %}{{ m.content|tojson(indent='x'|int) }}{% endfor %}{{ missing|tojson }}", "TypeError: Object of type Undefined is not JSON serializable (line 1, column 85)")]
    [InlineData("{{ messages|items }}", "TypeError: Can only get item pairs from a mapping. (line 1, column 13)")]
    public void Runtime_errors_say_what_and_where(string source, string message)
    {
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source).Render(Input));
        Assert.Equal(ChatTemplateErrorKind.Runtime, e.Kind);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_parsed_template_renders_many_times_and_from_many_threads()
    {
        var template = ChatTemplate.Parse("{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{{ '!' if add_generation_prompt }}");
        var results = Enumerable.Range(0, 64).AsParallel().Select(i => template.Render(new ChatTemplateInput
        {
            Messages = JsonNode.Parse($$"""[{"role": "user", "content": "{{i}}"}]"""),
            AddGenerationPrompt = i % 2 == 0,
        })).ToList();
        Assert.Equal(Enumerable.Range(0, 64).Select(i => $"<user>{i}" + (i % 2 == 0 ? "!" : "")), results);
    }
}
