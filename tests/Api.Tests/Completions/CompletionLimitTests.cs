using System.Net;
using System.Net.Http.Json;
using TuningService.Api.Tests.Support;

namespace TuningService.Api.Tests.Completions;

/// <summary>
/// What one generation request may ask: at most 2,048 prompts, and a prompt that fits the model's context (400
/// context_length_exceeded otherwise, for decoder-only and encoder-decoder families alike).
/// </summary>
public sealed class CompletionLimitTests : IDisposable
{
    readonly TuningApiFactory factory = new(settings: new Dictionary<string, string>
    {
        ["Tuning:RunWorkerInProcess"] = "false", ["Tuning:ModelsPath"] = TinyModelFolders.Create(),
    });

    public void Dispose() => factory.Dispose();

    async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonNode Error)> PostAsync(string url, object body)
    {
        var response = await factory.CreateClient().PostAsJsonAsync(url, body);
        var json = await ApiClient.JsonAsync(response);
        return (response.StatusCode, json["error"] ?? json);
    }

    [Fact]
    public async Task More_than_2048_prompts_is_a_400_naming_the_limit()
    {
        var (status, error) = await PostAsync("/v1/completions", new { model = "babyllama-tinystories", prompt = Enumerable.Repeat("Once", 2049).ToArray(), max_tokens = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("prompt", error["param"]!.GetValue<string>());
        Assert.Contains("at most 2048 prompts", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("2049", error["message"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, error) = await PostAsync("/v1/completions", new { model = "babyllama-tinystories", prompt = Enumerable.Repeat(new[] { 5, 6 }, 2049).ToArray(), max_tokens = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("at most 2048 prompts", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    // babyllama-tinystories is Llama (max_position_embeddings 256), gpt2-tiny GPT-2 (n_positions 128), flan-t5-tiny
    // T5 (n_positions 512, the input's bound; its positions are relative).
    [Theory]
    [InlineData("babyllama-tinystories", 256)]
    [InlineData("gpt2-tiny", 128)]
    [InlineData("flan-t5-tiny", 512)]
    public async Task A_prompt_longer_than_the_context_is_a_400_context_length_exceeded(string model, int context)
    {
        var prompt = Enumerable.Repeat(7, context + 1).ToArray();
        var (status, error) = await PostAsync("/v1/completions", new { model, prompt, max_tokens = 4 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("context_length_exceeded", error["code"]!.GetValue<string>());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains($"maximum context length is {context} tokens", message, StringComparison.Ordinal);
        Assert.Contains($"{context + 1}", message, StringComparison.Ordinal);

        // A prompt that just fits passes the check (the completion shares a decoder-only model's context). The tiny
        // GPT-2 and T5 fixtures have random weights and 256 ids but borrow a 105-piece tokenizer, so what they
        // generate may not decode: for them only the context check is asserted.
        var fits = model == "flan-t5-tiny" ? context : context - 4;
        var ok = await factory.CreateClient().PostAsJsonAsync("/v1/completions", new { model, prompt = Enumerable.Repeat(7, fits).ToArray(), max_tokens = 4 });
        var answer = await ok.Content.ReadAsStringAsync();
        if (model == "babyllama-tinystories") Assert.True(ok.IsSuccessStatusCode, answer);
        else Assert.DoesNotContain("context_length_exceeded", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_decoder_prompt_plus_max_tokens_past_the_context_names_both_counts()
    {
        var (status, error) = await PostAsync("/v1/completions", new { model = "gpt2-tiny", prompt = Enumerable.Repeat(7, 100).ToArray(), max_tokens = 50 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("context_length_exceeded", error["code"]!.GetValue<string>());
        Assert.Equal("max_tokens", error["param"]!.GetValue<string>());
        Assert.Contains("you requested 150 tokens (100 in the prompt, 50 in the completion)", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("babyllama-tinystories")]
    [InlineData("flan-t5-tiny")]
    public async Task A_chat_longer_than_the_context_is_a_400_naming_the_messages(string model)
    {
        var content = string.Concat(Enumerable.Repeat("once upon a time ", 200));
        var (status, error) = await PostAsync("/v1/chat/completions", new { model, messages = new[] { new { role = "user", content } }, max_tokens = 4 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("context_length_exceeded", error["code"]!.GetValue<string>());
        Assert.Equal("messages", error["param"]!.GetValue<string>());
        Assert.Contains("in the messages", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
