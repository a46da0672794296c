using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TuningService.Api.Tests.Support;
using TuningService.Core.Generation;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tests.Completions;

/// <summary>/v1/completions and /v1/chat/completions on the built-in model, in OpenAI's shapes, streamed or not.</summary>
public sealed class CompletionsApiTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });
    readonly HttpClient http;

    public CompletionsApiTests() => http = factory.CreateClient();

    public void Dispose() => factory.Dispose();

    async Task<JsonObject> PostAsync(string url, object body)
    {
        var response = await http.PostAsJsonAsync(url, body);
        var json = await ApiClient.JsonAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {json}");
        return json;
    }

    /// <summary>What the engine gives for the same prompt directly: the HTTP layer must not change it.</summary>
    static string Expected(string prompt, int maxTokens)
    {
        using var loaded = PretrainedModelLoader.Load(RepoPaths.BuiltInModel, TorchSharp.torch.CPU);
        var tokenizer = TokenizerLoader.FromModelFolder(RepoPaths.BuiltInModel);
        IReadOnlyList<int> ids = [tokenizer.BosId!.Value, .. tokenizer.Encode(prompt)];
        return TextGenerator.Generate(loaded.AsCausalLanguageModel(), tokenizer, [ids], new GenerationOptions { Temperature = 0, MaxNewTokens = maxTokens })[0].Text;
    }

    [Fact]
    public async Task A_greedy_completion_is_the_engines_text_with_usage()
    {
        var body = await PostAsync("/v1/completions", new { model = "babyllama-tinystories", prompt = "Once upon a time", max_tokens = 30, temperature = 0 });
        Assert.Equal("text_completion", body["object"]!.GetValue<string>());
        var choice = body["choices"]![0]!;
        Assert.Equal(Expected("Once upon a time", 30), choice["text"]!.GetValue<string>());
        Assert.Equal("length", choice["finish_reason"]!.GetValue<string>());
        Assert.Equal(30, body["usage"]!["completion_tokens"]!.GetValue<int>());
        Assert.Equal(body["usage"]!["prompt_tokens"]!.GetValue<int>() + 30, body["usage"]!["total_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_streamed_completion_concatenates_to_the_same_text_and_ends_with_done()
    {
        var response = await http.PostAsJsonAsync("/v1/completions", new { model = "babyllama-tinystories", prompt = "Once upon a time", max_tokens = 30, temperature = 0, stream = true });
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("data: [DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!).ToList();
        Assert.Equal(Expected("Once upon a time", 30), string.Concat(chunks.Select(c => c["choices"]![0]!["text"]!.GetValue<string>())));
        Assert.Equal("length", chunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_same_seed_gives_the_same_sample_and_n_gives_several()
    {
        var request = new { model = "babyllama-tinystories", prompt = "The dog", max_tokens = 20, temperature = 1.0, seed = 11, n = 2 };
        var first = await PostAsync("/v1/completions", request);
        var second = await PostAsync("/v1/completions", request);
        Assert.Equal(2, first["choices"]!.AsArray().Count);
        Assert.Equal(first["choices"]!.ToJsonString(), second["choices"]!.ToJsonString());
    }

    [Fact]
    public async Task A_stop_sequence_cuts_the_text_before_it()
    {
        var full = Expected("Once upon a time", 40);
        var stop = full.Substring(10, 3);
        var body = await PostAsync("/v1/completions", new { model = "babyllama-tinystories", prompt = "Once upon a time", max_tokens = 40, temperature = 0, stop });
        var choice = body["choices"]![0]!;
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], choice["text"]!.GetValue<string>());
        Assert.Equal("stop", choice["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Chat_answers_with_an_assistant_message_and_streams_role_then_content()
    {
        var messages = new[] { new { role = "user", content = "Tell me a story." } };
        var body = await PostAsync("/v1/chat/completions", new { model = "babyllama-tinystories", messages, max_tokens = 20, temperature = 0 });
        Assert.Equal("chat.completion", body["object"]!.GetValue<string>());
        var message = body["choices"]![0]!["message"]!;
        Assert.Equal("assistant", message["role"]!.GetValue<string>());
        Assert.Equal(Expected("User: Tell me a story. Assistant:", 20).TrimStart(), message["content"]!.GetValue<string>());

        var response = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "babyllama-tinystories", messages, max_tokens = 20, temperature = 0, stream = true });
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var chunks = events[..^1].Select(e => JsonNode.Parse(e["data: ".Length..])!["choices"]![0]!).ToList();
        Assert.Equal("assistant", chunks[0]["delta"]!["role"]!.GetValue<string>());
        Assert.Equal(message["content"]!.GetValue<string>(), string.Concat(chunks.Select(c => c["delta"]!["content"]?.GetValue<string>() ?? "")));
    }

    [Theory]
    [InlineData("""{"model": "babyllama-tinystories", "prompt": "x", "max_tokens": 1000}""", "max_tokens", HttpStatusCode.BadRequest)]
    [InlineData("""{"model": "babyllama-tinystories", "prompt": "x", "temperature": 3}""", "temperature", HttpStatusCode.BadRequest)]
    [InlineData("""{"model": "babyllama-tinystories", "prompt": {"a": 1}}""", "prompt", HttpStatusCode.BadRequest)]
    [InlineData("""{"model": "babyllama-tinystories", "prompt": "x", "stop": ["a", "b", "c", "d", "e"]}""", "stop", HttpStatusCode.BadRequest)]
    [InlineData("""{"model": "no-such-model", "prompt": "x"}""", "model", HttpStatusCode.NotFound)]
    public async Task Bad_requests_name_the_parameter(string json, string param, HttpStatusCode status)
    {
        var response = await http.PostAsync("/v1/completions", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        var body = await ApiClient.JsonAsync(response);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal(param, body["error"]!["param"]!.GetValue<string>());
    }
}
