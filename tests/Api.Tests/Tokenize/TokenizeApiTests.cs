using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Files;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.Tokenize;

/// <summary>/tokenize and /detokenize as vLLM's, on a Qwen3-shaped model with the real Qwen3 tokenizer and on the shipped plain model.</summary>
public sealed class TokenizeApiTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:ModelsPath"] = InferenceChatModels.Shared,
    });
    readonly HttpClient http;

    public TokenizeApiTests() => http = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    static string Qwen3Folder => Path.Combine(InferenceChatModels.Shared, InferenceChatModels.Qwen3);

    static readonly JsonArray Conversation =
    [
        new JsonObject { ["role"] = "system", ["content"] = "You tell short stories." },
        new JsonObject { ["role"] = "user", ["content"] = "Tell me about a cat." },
    ];

    async Task<JsonObject> PostAsync(string url, object body)
    {
        var response = await http.PostAsJsonAsync(url, body);
        var json = await ApiClient.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {json}");
        return json;
    }

    /// <summary>What the model's own template (tokenizer_config.json) renders, straight from the Jinja interpreter.</summary>
    static string Qwen3Render(JsonArray messages, bool addGenerationPrompt)
    {
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(Qwen3Folder, "tokenizer_config.json")))!;
        return ChatTemplate.Parse(config["chat_template"]!.GetValue<string>()).Render(new ChatTemplateInput
        {
            Messages = messages.DeepClone(), AddGenerationPrompt = addGenerationPrompt,
            SpecialTokens = new Dictionary<string, string?> { ["eos_token"] = "<|im_end|>", ["pad_token"] = "<|endoftext|>" },
        });
    }

    static int[] Ids(JsonNode body) => [.. body["tokens"]!.AsArray().Select(t => t!.GetValue<int>())];

    [Fact]
    public async Task Messages_give_the_ids_of_exactly_the_text_the_template_renders_without_bos()
    {
        var body = await PostAsync("/tokenize", new { model = InferenceChatModels.Qwen3, messages = Conversation, return_token_strs = true });

        var expectedText = Qwen3Render(Conversation, addGenerationPrompt: true);
        var expectedIds = TokenizerLoader.FromModelFolder(Qwen3Folder).Encode(expectedText);
        Assert.Equal(expectedText, body["prompt"]!.GetValue<string>());
        Assert.Contains("<|im_start|>assistant\n", expectedText, StringComparison.Ordinal);
        Assert.Equal(expectedIds, Ids(body));
        Assert.Equal(expectedIds.Count, body["count"]!.GetValue<int>());
        Assert.Equal(128, body["max_model_len"]!.GetValue<int>()); // qwen3-tiny's max_position_embeddings
        var strs = body["token_strs"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Equal(expectedIds.Count, strs.Count);
        Assert.Equal("<|im_start|>", strs[0]);
        Assert.Equal(["<|im_start|>", "assistant", "Ċ"], strs[^3..]);
    }

    [Fact]
    public async Task Chat_template_kwargs_reach_the_template_and_detokenize_round_trips()
    {
        var body = await PostAsync("/tokenize", new { model = InferenceChatModels.Qwen3, messages = Conversation, chat_template_kwargs = new { enable_thinking = false } });
        var prompt = body["prompt"]!.GetValue<string>();
        Assert.EndsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n", prompt, StringComparison.Ordinal);
        Assert.Null(body["token_strs"]);

        var back = await PostAsync("/detokenize", new { model = InferenceChatModels.Qwen3, tokens = Ids(body) });
        Assert.Equal(prompt, back["prompt"]!.GetValue<string>());
    }

    [Fact]
    public async Task Continue_final_message_leaves_the_last_message_open()
    {
        JsonArray messages = [.. Conversation.Select(m => m!.DeepClone()), new JsonObject { ["role"] = "assistant", ["content"] = "Once upon a time" }];
        var body = await PostAsync("/tokenize", new { model = InferenceChatModels.Qwen3, messages, add_generation_prompt = false, continue_final_message = true });
        var full = Qwen3Render(messages, addGenerationPrompt: false);
        var prompt = body["prompt"]!.GetValue<string>();
        Assert.EndsWith("Once upon a time", prompt, StringComparison.Ordinal);
        Assert.Equal(full[..prompt.Length], prompt);

        var both = await http.PostAsJsonAsync("/tokenize", new { model = InferenceChatModels.Qwen3, messages, continue_final_message = true });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
    }

    [Fact]
    public async Task A_prompt_gets_the_tokenizers_special_tokens_unless_asked_not_to()
    {
        var tokenizer = TokenizerLoader.FromModelFolder(RepoPaths.BuiltInModel);
        var with = await PostAsync("/tokenize", new { model = "babyllama-tinystories", prompt = "Once upon a time", return_token_strs = true });
        var without = await PostAsync("/tokenize", new { model = "babyllama-tinystories", prompt = "Once upon a time", add_special_tokens = false });
        Assert.Equal([tokenizer.BosId!.Value, .. tokenizer.Encode("Once upon a time")], Ids(with));
        Assert.Equal(tokenizer.Encode("Once upon a time"), Ids(without));
        Assert.Null(with["prompt"]);
        Assert.Equal(Ids(with).Length, with["token_strs"]!.AsArray().Count);

        var qwen3 = await PostAsync("/tokenize", new { model = InferenceChatModels.Qwen3, prompt = "Hello world" });
        Assert.Equal(TokenizerLoader.FromModelFolder(Qwen3Folder).EncodeWithSpecialTokens("Hello world"), Ids(qwen3));
    }

    [Fact]
    public async Task An_encoder_decoder_prompt_ends_with_eos_as_the_t5_tokenizer_writes_it()
    {
        var modelsPath = TinyModelFolders.Create();
        using var t5Factory = new TuningApiFactory(settings: new Dictionary<string, string>
        {
            ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:ModelsPath"] = modelsPath,
        });
        using var t5Http = t5Factory.CreateClient();
        var tokenizer = TokenizerLoader.FromModelFolder(Path.Combine(modelsPath, "flan-t5-tiny"));
        var with = await ApiClient.JsonAsync(await t5Http.PostAsJsonAsync("/tokenize", new { model = "flan-t5-tiny", prompt = "Once upon a time" }));
        var without = await ApiClient.JsonAsync(await t5Http.PostAsJsonAsync("/tokenize", new { model = "flan-t5-tiny", prompt = "Once upon a time", add_special_tokens = false }));
        Assert.Equal([.. tokenizer.Encode("Once upon a time"), tokenizer.EosId!.Value], Ids(with));
        Assert.Equal(tokenizer.Encode("Once upon a time"), Ids(without));
    }

    [Fact]
    public async Task The_plain_layout_gives_what_chat_completions_feed_the_model()
    {
        var tokenizer = TokenizerLoader.FromModelFolder(RepoPaths.BuiltInModel);
        var body = await PostAsync("/tokenize", new { model = "babyllama-tinystories", messages = new[] { new { role = "user", content = "Tell me a story." } } });
        var text = PlainChatTemplate.RenderPrompt([new ChatMessage(ChatRoles.User, "Tell me a story.")]);
        Assert.Equal(text, body["prompt"]!.GetValue<string>());
        Assert.Equal([tokenizer.BosId!.Value, .. tokenizer.Encode(text)], Ids(body));
    }

    [Fact]
    public async Task A_templates_raise_exception_is_a_400_with_its_message()
    {
        var messages = new[] { new { role = "user", content = "Hi" }, new { role = "user", content = "Hello?" } };
        foreach (var request in new object[]
                 {
                     new { model = InferenceChatModels.AlternatingRoles, messages },
                     new { model = InferenceChatModels.Qwen3, messages, chat_template = InferenceChatModels.GemmaTemplate() },
                 })
        {
            var response = await http.PostAsJsonAsync("/tokenize", request);
            var body = await ApiClient.JsonAsync(response);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("Conversation roles must alternate user/assistant/user/assistant/...", body["error"]!["message"]!.GetValue<string>());
            Assert.Equal("messages", body["error"]!["param"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("/tokenize", """{"model": "no-such-model", "prompt": "x"}""", "model", HttpStatusCode.NotFound)]
    [InlineData("/detokenize", """{"model": "no-such-model", "tokens": [1]}""", "model", HttpStatusCode.NotFound)]
    [InlineData("/tokenize", """{"model": "babyllama-tinystories"}""", "prompt", HttpStatusCode.BadRequest)]
    [InlineData("/tokenize", """{"model": "qwen3-chat-tiny", "messages": [{"role": "user", "content": "x"}], "chat_template": "qwen9"}""", "chat_template", HttpStatusCode.BadRequest)]
    [InlineData("/detokenize", """{"model": "babyllama-tinystories", "tokens": [1, 100000]}""", "tokens", HttpStatusCode.BadRequest)]
    [InlineData("/tokenize", """{"model": "qwen3-chat-tiny", "messages": [{"role": "user", "content": "x"}], "chat_template_kwargs": {"messages": []}}""", "chat_template_kwargs", HttpStatusCode.BadRequest)]
    [InlineData("/tokenize", """{"model": "qwen3-chat-tiny", "messages": ["x"]}""", "messages[0]", HttpStatusCode.BadRequest)]
    public async Task Bad_requests_name_the_parameter(string url, string json, string param, HttpStatusCode status)
    {
        var response = await http.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(param, body["error"]!["param"]!.GetValue<string>());
    }
}
