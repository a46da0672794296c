using System.Diagnostics;
using System.Text.Json.Nodes;
using TuningService.Core.ChatTemplates;

namespace TuningService.Core.Tests.ChatTemplates;

/// <summary>A template is user input: whatever it does, a render ends quickly with a ChatTemplateException (a 400),
/// never a hang, an out-of-memory or a stack overflow.</summary>
public class ChatTemplateLimitTests
{
    static readonly ChatTemplateInput Input = new() { Messages = JsonNode.Parse("""[{"role": "user", "content": "hi"}]""") };

    static ChatTemplateException RenderFails(string source, ChatTemplateLimits? limits = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source).Render(Input, limits, cancellationToken));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        return e;
    }

    [Fact]
    public void Nested_ranges_stop_at_the_step_limit()
    {
        // 10^10 iterations if let run.
        var e = RenderFails("{% for i in range(100000) %}{% for j in range(100000) %}{{ '' }}{% endfor %}{% endfor %}");
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, e.Kind);
        Assert.StartsWith("the template ran more than 1000000 loop iterations and macro calls, the limit for one render (line 1, column ", e.Message);
    }

    [Fact]
    public void A_huge_output_stops_at_the_size_limit()
    {
        var e = RenderFails("{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
            new ChatTemplateLimits { MaxOutputLength = 1_000_000 });
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, e.Kind);
        Assert.StartsWith("the rendered text is longer than 1000000 characters, the limit for one render", e.Message);
    }

    [Fact]
    public void A_doubling_string_stops_at_the_size_limit_before_it_is_built()
    {
        var e = RenderFails("{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}");
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, e.Kind);
        Assert.Contains("more than the limit of 16777216", e.Message);
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, RenderFails("{{ 'x' * 10000000000 }}").Kind);
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, RenderFails("{{ ([1] * 100000000)|length }}").Kind);
        Assert.StartsWith("the template built an integer of more than 4300 digits",
            RenderFails("{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}{% endfor %}").Message);
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, RenderFails("{{ 2 ** 100000000 }}").Kind);
    }

    [Fact]
    public void Unbounded_macro_recursion_stops_at_the_depth_limit()
    {
        var e = RenderFails("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, e.Kind);
        Assert.StartsWith("macro 'f' called itself (or other macros) more than 100 levels deep (line 1, column ", e.Message);
    }

    [Fact]
    public void A_slow_render_stops_at_the_time_limit()
    {
        var limits = new ChatTemplateLimits { MaxSteps = long.MaxValue, MaxTime = TimeSpan.FromMilliseconds(200) };
        var e = RenderFails("{% for i in range(100000) %}{% for j in range(100000) %}{{ '' }}{% endfor %}{% endfor %}", limits);
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, e.Kind);
        Assert.StartsWith("rendering took longer than 0.2 s, the limit for one render", e.Message);
    }

    [Fact]
    public void A_cancelled_render_stops()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var e = RenderFails("{% for i in range(100000) %}{{ i }}{% endfor %}", cancellationToken: cancel.Token);
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, e.Kind);
        Assert.StartsWith("rendering was cancelled", e.Message);
    }

    [Fact]
    public void Deep_nesting_is_a_syntax_error_not_a_stack_overflow()
    {
        foreach (var source in new[]
                 {
                     "{{ " + new string('(', 100_000) + "1" + new string(')', 100_000) + " }}",
                     "{{ 1" + string.Concat(Enumerable.Repeat(" + 1", 100_000)) + " }}",
                     "{{ x" + string.Concat(Enumerable.Repeat("|trim", 100_000)) + " }}",
                     "{{ " + string.Concat(Enumerable.Repeat("not ", 100_000)) + "x }}",
                     "{{ " + string.Concat(Enumerable.Repeat("-", 100_000)) + "1 }}",
                     "{{ " + string.Concat(Enumerable.Repeat("[", 100_000)) + string.Concat(Enumerable.Repeat("]", 100_000)) + " }}",
                     string.Concat(Enumerable.Repeat("{% if x %}", 100_000)) + string.Concat(Enumerable.Repeat("{% endif %}", 100_000)),
                 })
        {
            var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source));
            Assert.Equal(ChatTemplateErrorKind.Syntax, e.Kind);
            Assert.Contains("the template nests expressions, operators or blocks more than 500 deep", e.Message);
        }
    }

    [Fact]
    public void Deeply_nested_data_is_a_runtime_error_not_a_stack_overflow()
    {
        JsonNode deep = new JsonArray();
        for (var i = 0; i < 100_000; i++) deep = new JsonArray(deep);
        var input = new ChatTemplateInput { Messages = new JsonArray(), Variables = new Dictionary<string, JsonNode?> { ["deep"] = deep } };
        var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse("{{ deep }}").Render(input));
        Assert.Equal(ChatTemplateErrorKind.LimitExceeded, e.Kind);
        Assert.StartsWith("RecursionError: maximum recursion depth exceeded", e.Message);
    }

    [Fact]
    public void The_sandbox_range_limit_is_jinjas()
    {
        var e = RenderFails("{{ range(100001)|length }}");
        Assert.StartsWith("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).", e.Message);
    }
}
