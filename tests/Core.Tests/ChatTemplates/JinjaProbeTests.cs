using System.Text.Json.Nodes;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Tests.Models;

namespace TuningService.Core.Tests.ChatTemplates;

/// <summary>
/// Small templates that exercise the Jinja semantics the real templates' goldens leave out (printing, filters, tests,
/// scoping, macros, whitespace corner cases, errors), held to Python Jinja2 in transformers' environment
/// (tests/fixtures/chat-templates/probes/make_probes.py writes probes.json). An error case must fail with a
/// <see cref="ChatTemplateException"/> whose message contains Jinja's (a raise_exception message exactly).
/// </summary>
public class JinjaProbeTests
{
    static readonly Lazy<JsonObject> Probes = new(() =>
        JsonNode.Parse(File.ReadAllText(TestPaths.Fixture("chat-templates", "probes", "probes.json")))!.AsObject());

    /// <summary>Errors whose wording differs from Jinja's on purpose (rejected when parsed, with a clearer message).</summary>
    static readonly Dictionary<string, string> OwnWording = new()
    {
        ["err_include"] = "the Jinja tag 'include' is not supported",
        ["err_extends"] = "the Jinja tag 'extends' is not supported",
        ["syntax_unclosed_var"] = "the {{ tag opened here is never closed",
        ["syntax_unclosed_string"] = "the string literal is never closed",
        ["syntax_break_outside_loop"] = "'break' outside of a loop",
    };

    static string Quote(string s) =>
        System.Text.Json.JsonSerializer.Serialize(s, new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Probes.Value["cases"]!.AsArray()) data.Add((string)c!["name"]!);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Renders_like_jinja(string name)
    {
        var probe = Probes.Value["cases"]!.AsArray().Single(c => (string)c!["name"]! == name)!;
        var source = (string)probe["template"]!;
        var context = Probes.Value["context"]!.AsObject();
        var input = new ChatTemplateInput
        {
            Messages = context["messages"]!.DeepClone(),
            Variables = context.Where(p => p.Key != "messages").ToDictionary(p => p.Key, p => p.Value?.DeepClone()),
            Now = ChatTemplateGolden.GoldenNow,
        };
        if (probe["expected_error"] is JsonObject error)
        {
            var e = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(source).Render(input));
            var message = (string)error["message"]!;
            if ((string)error["type"]! == "raise_exception")
            {
                Assert.Equal(ChatTemplateErrorKind.Raised, e.Kind);
                Assert.Equal(message, e.Message);
            }
            else Assert.Contains(OwnWording.GetValueOrDefault(name, message), e.Message, StringComparison.Ordinal);
        }
        else
        {
            var expected = (string)probe["expected"]!;
            var actual = ChatTemplate.Parse(source).Render(input);
            Assert.True(expected == actual, $"expected {Quote(expected)}\nactual   {Quote(actual)}");
        }
    }
}
