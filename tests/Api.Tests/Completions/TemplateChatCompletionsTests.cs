using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;
using TuningService.Core.Generation;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.Completions;

/// <summary>/v1/chat/completions on a model with its own chat template (a Qwen3-shaped model with the real Qwen3 tokenizer).</summary>
public sealed class TemplateChatCompletionsTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:ModelsPath"] = InferenceChatModels.Shared,
    });
    readonly HttpClient http;

    public TemplateChatCompletionsTests() => http = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    static readonly object[] Messages = [new { role = "user", content = "Tell me about a cat." }];

    /// <summary>What the engine gives for the prompt /tokenize shows, stopping at either of generation_config.json's eos ids.</summary>
    static GenerationOutput Expected(IReadOnlyList<int> promptIds, int maxTokens)
    {
        var folder = Path.Combine(InferenceChatModels.Shared, InferenceChatModels.Qwen3);
        using var loaded = PretrainedModelLoader.Load(folder, TorchSharp.torch.CPU);
        var tokenizer = TokenizerLoader.FromModelFolder(folder);
        return TextGenerator.Generate(loaded.AsCausalLanguageModel(), tokenizer, [promptIds],
            new GenerationOptions { Temperature = 0, MaxNewTokens = maxTokens, StopTokenIds = [InferenceChatModels.ImEnd, InferenceChatModels.EndOfText] })[0];
    }

    [Fact]
    public async Task The_answer_is_the_engines_continuation_of_the_rendered_template_without_the_end_of_turn_token()
    {
        var tokenized = await ApiClient.JsonAsync(await http.PostAsJsonAsync("/tokenize", new { model = InferenceChatModels.Qwen3, messages = Messages }));
        var promptIds = tokenized["tokens"]!.AsArray().Select(t => t!.GetValue<int>()).ToList();
        var expected = Expected(promptIds, 24);

        var response = await http.PostAsJsonAsync("/v1/chat/completions", new { model = InferenceChatModels.Qwen3, messages = Messages, max_tokens = 24, temperature = 0 });
        var body = await ApiClient.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, body.ToJsonString());
        var choice = body["choices"]![0]!;
        var content = choice["message"]!["content"]!.GetValue<string>();
        Assert.DoesNotContain("<|im_end|>", content, StringComparison.Ordinal);
        Assert.Contains(choice["finish_reason"]!.GetValue<string>(), new[] { "stop", "length" });
        Assert.Equal(expected.Text, content);
        Assert.Equal(expected.FinishReason, choice["finish_reason"]!.GetValue<string>());
        Assert.Equal(promptIds.Count, body["usage"]!["prompt_tokens"]!.GetValue<int>());

        var streamed = await http.PostAsJsonAsync("/v1/chat/completions", new { model = InferenceChatModels.Qwen3, messages = Messages, max_tokens = 24, temperature = 0, stream = true });
        var events = (await streamed.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!["choices"]![0]!).ToList();
        Assert.Equal(content, string.Concat(chunks.Select(c => c["delta"]!["content"]?.GetValue<string>() ?? "")));
    }

    [Fact]
    public async Task Either_generation_config_eos_id_ends_the_turn_and_never_shows_in_the_content()
    {
        foreach (var stream in new[] { false, true })
        {
            var response = await http.PostAsJsonAsync("/v1/chat/completions",
                new { model = InferenceChatModels.EndsAtOnce, messages = Messages, max_tokens = 8, temperature = 0, stream });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("<|im_end|>", text, StringComparison.Ordinal);
            Assert.DoesNotContain("<|endoftext|>", text, StringComparison.Ordinal);
            if (stream) continue;
            var body = JsonNode.Parse(text)!;
            Assert.Equal("", body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
            Assert.Equal("stop", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
            Assert.Equal(1, body["usage"]!["completion_tokens"]!.GetValue<int>());
        }
    }

    [Fact]
    public async Task A_templates_raise_exception_is_a_400_naming_messages()
    {
        var messages = new[] { new { role = "user", content = "Hi" }, new { role = "user", content = "Hello?" } };
        var response = await http.PostAsJsonAsync("/v1/chat/completions", new { model = InferenceChatModels.AlternatingRoles, messages, max_tokens = 4 });
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Conversation roles must alternate user/assistant/user/assistant/...", body["error"]!["message"]!.GetValue<string>());
        Assert.Equal("messages", body["error"]!["param"]!.GetValue<string>());
        Assert.Equal("invalid_request_error", body["error"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_plain_layout_still_refuses_roles_it_cannot_render()
    {
        var messages = new[] { new { role = "tool", content = "42" } };
        var response = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "babyllama-tinystories", messages, max_tokens = 4 });
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("messages[0].role must be system, user or assistant, got 'tool'.", body["error"]!["message"]!.GetValue<string>());
        Assert.Equal("messages[0].role", body["error"]!["param"]!.GetValue<string>());
    }
}
