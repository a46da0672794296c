using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Tests.Models;

namespace TuningService.Core.Tests.ChatTemplates;

/// <summary>
/// The chat-template goldens in tests/fixtures/chat-templates (see its README): one JSON file per real template with
/// cases rendered by Python Jinja2 in transformers' environment. Builds each case's input exactly as that README
/// says transformers does: tools and documents always passed (null when absent), special tokens only when set,
/// extra_context last, strftime_now fixed at 2026-07-26T00:00:00.
/// </summary>
internal static class ChatTemplateGolden
{
    public static readonly DateTime GoldenNow = new(2026, 7, 26, 0, 0, 0, DateTimeKind.Unspecified);

    static readonly ConcurrentDictionary<string, (ChatTemplate Template, JsonObject File)> Files = new();

    /// <summary>Every golden file (the shared ones, npm-*.json and stretch/), as a path relative to
    /// fixtures/chat-templates. probes/ holds a different format (see <see cref="JinjaProbeTests"/>).</summary>
    public static IEnumerable<string> FileNames()
    {
        var root = TestPaths.Fixture("chat-templates");
        return Directory.EnumerateFiles(root, "*.json")
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "stretch"), "*.json"))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>(file, case name) for every case of every golden file.</summary>
    public static IEnumerable<(string File, string Case)> Cases() =>
        FileNames().SelectMany(file => Load(file).File["cases"]!.AsArray().Select(c => (file, (string)c!["name"]!)));

    public static (ChatTemplate Template, JsonObject File) Load(string file) =>
        Files.GetOrAdd(file, f =>
        {
            var json = JsonNode.Parse(File.ReadAllText(TestPaths.Fixture(["chat-templates", .. f.Split('/')])))!.AsObject();
            return (ChatTemplate.Parse((string)json["chat_template"]!), json);
        });

    public static JsonObject Case(string file, string caseName) =>
        Load(file).File["cases"]!.AsArray().Single(c => (string)c!["name"]! == caseName)!.AsObject();

    public static ChatTemplateInput Input(JsonObject file, JsonObject testCase)
    {
        var specialTokens = file["special_tokens"]!.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value);
        var variables = new Dictionary<string, JsonNode?>();
        if (testCase["extra_context"] is JsonObject extra)
            foreach (var (key, value) in extra) variables[key] = value?.DeepClone();
        return new ChatTemplateInput
        {
            Messages = testCase["messages"]!.DeepClone(),
            Tools = testCase["tools"]?.DeepClone(),
            Documents = testCase["documents"]?.DeepClone(),
            AddGenerationPrompt = (bool)testCase["add_generation_prompt"]!,
            SpecialTokens = specialTokens,
            Variables = variables,
            Now = GoldenNow,
        };
    }
}
