using System.Text.Json;
using System.Text.Json.Nodes;
using TuningService.Core.ChatTemplates;

namespace TuningService.Core.Tests.ChatTemplates;

/// <summary>How API JSON becomes template variables: as Python's json.loads would give it to transformers.</summary>
public class ChatTemplateInputTests
{
    const string Messages = """[{"role": "user", "content": "hi", "z": 1, "a": 1.0, "m": 1e5, "big": 12345678901234567890, "u": "é\u2028"}]""";

    [Fact]
    public void Json_keeps_key_order_and_pythons_int_float_split()
    {
        var template = ChatTemplate.Parse("{{ messages[0]|tojson }}|{{ messages[0].a }}|{{ messages[0].m }}|{{ messages[0].z + 1 }}");
        var rendered = template.Render(new ChatTemplateInput { Messages = JsonNode.Parse(Messages) });
        Assert.Equal("{\"role\": \"user\", \"content\": \"hi\", \"z\": 1, \"a\": 1.0, \"m\": 100000.0, \"big\": 12345678901234567890, \"u\": \"é\u2028\"}|1.0|100000.0|2", rendered);
    }

    [Fact]
    public void A_JsonElement_renders_like_the_same_JsonNode()
    {
        var template = ChatTemplate.Parse("{% for m in messages %}{{ m|tojson }}{% endfor %}{{ tools[0].name }}");
        using var document = JsonDocument.Parse(Messages);
        using var tools = JsonDocument.Parse("""[{"name": "f"}]""");
        var fromElement = template.Render(new ChatTemplateInput { Messages = JsonArray.Create(document.RootElement), Tools = JsonArray.Create(tools.RootElement) });
        var fromNode = template.Render(new ChatTemplateInput { Messages = JsonNode.Parse(Messages), Tools = JsonNode.Parse("""[{"name": "f"}]""") });
        Assert.Equal(fromNode, fromElement);
        Assert.EndsWith("f", fromElement);
    }

    [Fact]
    public void Tools_and_documents_are_always_defined_unset_special_tokens_are_not_and_variables_win()
    {
        var template = ChatTemplate.Parse("{{ tools is defined }} {{ tools is none }} {{ documents is none }} {{ bos_token is defined }} {{ eos_token }} {{ enable_thinking }} {{ add_generation_prompt }}");
        var rendered = template.Render(new ChatTemplateInput
        {
            Messages = new JsonArray(),
            AddGenerationPrompt = true,
            SpecialTokens = new Dictionary<string, string?> { ["bos_token"] = null, ["eos_token"] = "<eos>" },
            Variables = new Dictionary<string, JsonNode?> { ["eos_token"] = "<override>", ["enable_thinking"] = false },
        });
        Assert.Equal("True True True False <override> False True", rendered);
    }

    [Fact]
    public void Strftime_now_uses_the_given_instant()
    {
        var template = ChatTemplate.Parse("{{ strftime_now('%d %b %Y') }}");
        Assert.Equal("26 Jul 2026", template.Render(new ChatTemplateInput { Messages = new JsonArray(), Now = new DateTime(2026, 7, 26) }));
    }
}
