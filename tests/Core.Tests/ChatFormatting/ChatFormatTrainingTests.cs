using System.Text;
using System.Text.Json.Nodes;
using TuningService.Core.ChatFormatting;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Files;
using TuningService.Core.Tests.ChatTemplates;
using TuningService.Core.Tests.Tokenization.TokenizerJson;
using TuningService.Core.Training;
using Xunit.Abstractions;

namespace TuningService.Core.Tests.ChatFormatting;

/// <summary>
/// What a chat template's training example learns: for every shared template, a conversation from its goldens ending
/// in an assistant message is rendered for training, and the trained parts are exactly the assistant answers through
/// their end-of-turn marker (printed per template, so the table can be read in the test log).
/// </summary>
public class ChatFormatTrainingTests(ITestOutputHelper output)
{
    // command-r's tool-use template renders tool definitions and has no plain conversation among its cases.
    public static TheoryData<string> TemplateFiles() => [.. ChatTemplateGolden.FileNames().Where(f => f != "command-r-v01-tool_use.json")];

    [Theory]
    [MemberData(nameof(TemplateFiles))]
    public void Each_template_trains_the_assistant_answers_and_nothing_else(string file)
    {
        var (template, json) = ChatTemplateGolden.Load(file);
        var conversation = json["cases"]!.AsArray().Select(c => c!.AsObject()).FirstOrDefault(c =>
            c["add_generation_prompt"]?.GetValue<bool>() != true && c["expected"] is not null && c["tools"] is null
            && c["messages"]!.AsArray() is { Count: > 1 } m && m[^1]!["role"]!.GetValue<string>() == "assistant"
            && m.All(x => x!["content"] is JsonValue v && v.TryGetValue<string>(out _) && x is JsonObject o && o.Count == 2));
        Assert.True(conversation is not null, $"{file} has no plain conversation ending with an assistant message");
        var messages = conversation!["messages"]!.AsArray().Select(m => new ChatMessage(m!["role"]!.GetValue<string>(), m["content"]!.GetValue<string>())).ToList();
        var specials = json["special_tokens"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<string>());
        // The markers ChatFormats.For finds in a real model folder (its EOS and the known end-of-turn tokens its tokenizer has).
        var format = new ChatFormat("model", file, template, specials, [], [], [.. specials.Values.OfType<string>().Where(t => t.Length > 0).Concat(EndOfTurnMarkers.Known)]);

        var example = format.Render(messages, task: null);

        var whole = template.Render(new ChatTemplateInput
        {
            Messages = new JsonArray([.. messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
            SpecialTokens = specials,
        });
        Assert.Equal(whole, string.Concat(example.Segments!.Select(s => s.Text)));
        var trained = example.Segments!.Where(s => s.Trained).Select(s => s.Text).ToList();
        var answers = messages.Where(m => m.Role == "assistant").Select(m => m.Content.Trim()).ToList();
        // The last answer is always trained; earlier ones are when the template writes them the same once later turns follow.
        Assert.Contains(answers[^1], trained[^1]);
        Assert.All(trained, t => Assert.Contains(answers, a => t.Contains(a, StringComparison.Ordinal)));
        foreach (var context in example.Segments!.Where(s => !s.Trained))
            Assert.DoesNotContain(answers[^1], context.Text);
        Assert.Equal(answers[^1], example.Completion.Trim());
        // The prompt evaluation generates from is everything before the last answer (plus, for DeepSeek-R1, the think tag its generation prompt opens).
        Assert.StartsWith(whole[..whole.LastIndexOf(trained[^1], StringComparison.Ordinal)], example.Prompt);

        var table = new StringBuilder($"{file}: {trained.Count} of {answers.Count} answers trained\n");
        foreach (var s in example.Segments!) table.Append(s.Trained ? "  [train] " : "  [ctx]   ").Append(Escape(s.Text)).Append('\n');
        output.WriteLine(table.ToString());
    }

    public static TheoryData<string, string> RealTokenizers() => new()
    {
        { "qwen3", "npm-qwen3.json" }, { "llama3", "npm-llama3.json" }, { "gemma3", "npm-gemma3.json" },
    };

    /// <summary>
    /// Token level, with the real tokenizers: the segments, encoded one by one as training does, give the ids of the
    /// whole rendered text (so segment-wise encoding changes nothing at the boundaries), and the trained ids decode to
    /// the answer and its end-of-turn token.
    /// </summary>
    [Theory]
    [MemberData(nameof(RealTokenizers))]
    public void Segments_encode_to_the_whole_texts_ids_and_the_labels_cover_answer_and_end_of_turn(string tokenizerName, string templateFile)
    {
        var tokenizer = RealTokenizerFolders.Load(tokenizerName);
        var (template, json) = ChatTemplateGolden.Load(templateFile);
        var specials = json["special_tokens"]!.AsObject().ToDictionary(p => p.Key, p => p.Value?.GetValue<string>());
        var endOfTurn = tokenizerName switch { "qwen3" => "<|im_end|>", "llama3" => "<|eot_id|>", _ => "<end_of_turn>" };
        var format = new ChatFormat("model", templateFile, template, specials, [tokenizer.TokenToId(endOfTurn)!.Value], [], [endOfTurn]);
        List<ChatMessage> messages =
        [
            new("system", "You answer in one short sentence."),
            new("user", "What is the capital of France?"),
            new("assistant", "Paris is the capital of France."),
            new("user", "And of Italy?"),
            new("assistant", "Rome is the capital of Italy."),
        ];

        var example = format.Render(messages, task: null);
        var tokenized = new ExampleTokenizer(tokenizer, 4096).TokenizeSegments(example.Segments!);

        Assert.Equal(tokenizer.Encode(string.Concat(example.Segments!.Select(s => s.Text))), tokenized.InputIds);
        var trainedText = tokenizer.Decode(tokenized.Labels.Where(l => l != CausalLmLoss.IgnoreIndex), skipSpecialTokens: false);
        Assert.EndsWith("Rome is the capital of Italy." + endOfTurn, trainedText.Replace("<think>\n\n</think>\n\n", ""));
        Assert.DoesNotContain("capital of France?", trainedText);
        Assert.DoesNotContain("one short sentence", trainedText);
        output.WriteLine($"{tokenizerName}: trained text {Escape(trainedText)}");
    }

    [Fact]
    public void A_template_that_rewrites_the_conversation_before_the_answer_is_refused_with_a_message()
    {
        // Writes the number of messages first: the conversation before the answer is never the start of the whole.
        var template = ChatTemplate.Parse("{{ messages | length }}{% for m in messages %}{{ m.content }};{% endfor %}{% if add_generation_prompt %}>{% endif %}");
        var format = new ChatFormat("job", "the job's own chat_template", template, new Dictionary<string, string?>(), [], [], []);

        var e = Assert.Throws<ChatTemplateException>(() => format.Render([new("user", "Hi"), new("assistant", "Hello")], null));

        Assert.Contains("answer to learn cannot be found", e.Message);
        Assert.Contains("chat_template", e.Message);
    }

    [Fact]
    public void A_preference_pair_shares_one_prompt_and_each_answer_ends_with_the_end_of_turn_marker()
    {
        var format = new ChatFormat("chatml", "chatml", ChatTemplate.Parse(BuiltInChatTemplates.ChatMlSource), new Dictionary<string, string?>(), [], [], ["<|im_end|>"]);

        var pair = format.RenderPreference([new("user", "Name a color.")], "Blue.", "Seven.", null);

        Assert.Equal("<|im_start|>user\nName a color.<|im_end|>\n<|im_start|>assistant\n", pair.Prompt);
        Assert.Equal("Blue.<|im_end|>", pair.Segments!.Single(s => s.Trained).Text);
        Assert.Equal("Seven.<|im_end|>", pair.RejectedSegments!.Single(s => s.Trained).Text);
    }

    static string Escape(string text) => text.Replace("\n", "\\n");
}
