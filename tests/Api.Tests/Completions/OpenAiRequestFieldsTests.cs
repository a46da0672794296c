using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Completions;

/// <summary>
/// Fields OpenAI defines that this service does not implement: the official client's requests (stream_options on every
/// streamed chat, user, metadata, store) still work; a field that would change the answer is accepted at its default
/// and refused otherwise, never ignored.
/// </summary>
public sealed class OpenAiRequestFieldsTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string> { ["Tuning:RunWorkerInProcess"] = "false" });

    public void Dispose() => factory.Dispose();

    ChatClient Chat() => new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions
    {
        Endpoint = new Uri(factory.Server.BaseAddress, "/v1"),
        Transport = new HttpClientPipelineTransport(factory.CreateClient()),
    }).GetChatClient("babyllama-tinystories");

    [Fact]
    public async Task The_official_client_chats_streamed_and_not_with_the_fields_it_sends_by_itself()
    {
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0, EndUserId = "user-1", FrequencyPenalty = 0, PresencePenalty = 0 };
        options.Metadata["purpose"] = "test";
        ChatCompletion answer = await Chat().CompleteChatAsync([new UserChatMessage("Tell me a story.")], options);
        Assert.False(string.IsNullOrEmpty(answer.Content[0].Text));

        var streamed = new StringBuilder();
        await foreach (var update in Chat().CompleteChatStreamingAsync([new UserChatMessage("Tell me a story.")], options))
            foreach (var part in update.ContentUpdate) streamed.Append(part.Text);
        Assert.Equal(answer.Content[0].Text, streamed.ToString());
    }

    [Theory]
    [InlineData("/v1/chat/completions", "frequency_penalty", "0.5")]
    [InlineData("/v1/chat/completions", "presence_penalty", "-1")]
    [InlineData("/v1/chat/completions", "logit_bias", """{"50": -100}""")]
    [InlineData("/v1/chat/completions", "logprobs", "true")]
    [InlineData("/v1/chat/completions", "response_format", """{"type": "json_object"}""")]
    [InlineData("/v1/chat/completions", "tool_choice", "\"required\"")]
    [InlineData("/v1/completions", "echo", "true")]
    [InlineData("/v1/completions", "best_of", "3")]
    [InlineData("/v1/completions", "suffix", "\" The end.\"")]
    [InlineData("/v1/completions", "frequency_penalty", "1")]
    public async Task A_field_that_would_change_the_answer_is_refused_unless_at_its_default(string url, string field, string value)
    {
        var input = url == "/v1/completions" ? "\"prompt\": \"Once\"" : "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";
        var http = factory.CreateClient();
        var response = await http.PostAsync(url, new StringContent($$"""{"model": "babyllama-tinystories", {{input}}, "max_tokens": 2, "{{field}}": {{value}}}""", Encoding.UTF8, "application/json"));
        var error = (await ApiClient.JsonAsync(response))["error"]!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(field, error["param"]!.GetValue<string>());
        Assert.Equal("unsupported_parameter", error["code"]!.GetValue<string>());
        Assert.Contains("not supported", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Defaults_and_fields_that_change_nothing_are_accepted()
    {
        var http = factory.CreateClient();
        var chat = await http.PostAsync("/v1/chat/completions", new StringContent("""
            {"model": "babyllama-tinystories", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 2, "frequency_penalty": 0, "presence_penalty": 0,
             "logit_bias": {}, "logprobs": false, "response_format": {"type": "text"}, "tool_choice": "none", "parallel_tool_calls": false, "user": "u",
             "metadata": {"k": "v"}, "store": false, "service_tier": "auto", "prompt_cache_key": "c", "safety_identifier": "s"}
            """, Encoding.UTF8, "application/json"));
        Assert.True(chat.IsSuccessStatusCode, await chat.Content.ReadAsStringAsync());
        var completion = await http.PostAsync("/v1/completions", new StringContent("""
            {"model": "babyllama-tinystories", "prompt": "Once", "max_tokens": 2, "echo": false, "best_of": 1, "suffix": null, "user": "u",
             "stream": true, "stream_options": {"include_usage": true}}
            """, Encoding.UTF8, "application/json"));
        Assert.True(completion.IsSuccessStatusCode, await completion.Content.ReadAsStringAsync());
        Assert.Contains("data: [DONE]", await completion.Content.ReadAsStringAsync());
    }
}
