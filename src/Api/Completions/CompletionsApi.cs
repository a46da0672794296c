using System.Text.Json;
using TuningService.Api.Infrastructure;
using TuningService.Core.Common;
using TuningService.Core.Files;
using TuningService.Core.Generation;
using TuningService.Core.Persistence;

namespace TuningService.Api.Completions;

/// <summary>POST /v1/completions and /v1/chat/completions for base, fine-tuned and checkpoint models, streamed on request.</summary>
public static class CompletionsApi
{
    public static IEndpointRouteBuilder MapCompletions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1").WithTags("Inference");
        group.MapPost("/completions", Complete).WithSummary("Continue a prompt (stream: true for server-sent events)");
        group.MapPost("/chat/completions", Chat).WithSummary("Answer a conversation (stream: true for server-sent events)")
            .WithDescription("Messages are rendered with the model's chat template (its tokenizer_config.json chat_template or chat_template.jinja; " +
                "a fine-tuned model carries its base model's), with add_generation_prompt, the request's tools and chat_template_kwargs as template " +
                "variables, and the rendered text is tokenized without adding BOS (the template writes it). Generation stops at the model's end-of-turn " +
                "and EOS tokens (generation_config.json eos_token_id included), which never appear in the content. A model without a template uses " +
                "the plain layout the service trains chat data with: \"System: … User: … Assistant:\". A template's error (its raise_exception " +
                "included) is a 400 naming messages. POST /tokenize with the same messages shows the exact prompt.");
        return app;
    }

    static async Task Complete(CompletionRequest body, HttpContext http, TuningDbContext db, CompletionRunner runner, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Model)) throw ApiException.BadRequest("model is required.", "model");
        RequestParsing.RefuseUnsupportedSampling(body.FrequencyPenalty, body.PresencePenalty, body.LogitBias);
        RequestParsing.RefuseUnsupported("echo", body.Echo is true);
        RequestParsing.RefuseUnsupported("best_of", body.BestOf is not (null or 1));
        RequestParsing.RefuseUnsupported("suffix", body.Suffix is { Length: > 0 });
        var request = new GenerationRequest(body.Model, RequestParsing.Prompts(body.Prompt), RequestParsing.N(body.N),
            RequestParsing.MaxTokens(body.MaxTokens, "max_tokens") ?? 16,
            RequestParsing.Options(body.Temperature, body.TopP, body.TopK, body.Seed, body.Stop, body.Logprobs));
        var id = Ids.New("cmpl");
        var created = Clock.Now();
        if (body.Stream != true)
        {
            var result = await runner.RunAsync(request, Caller.From(http), db, ct);
            var choices = result.Outputs.Select((o, i) => new TextCompletionChoice(o.Text, i, LegacyLogprobs.From(o.Logprobs), o.FinishReason)).ToList();
            await http.Response.WriteAsJsonAsync(new TextCompletionResponse(id, created, result.Model, choices, new UsageResponse(result.PromptTokens, result.CompletionTokens)), ct);
            return;
        }
        var sse = new ServerSentEvents(http.Response);
        var started = false;
        await foreach (var (index, token) in runner.StreamAsync(request, Caller.From(http), db, _ => { }, ct))
        {
            if (!started) { sse.Start(); started = true; }
            if (token.TextDelta.Length == 0 && token.FinishReason is null) continue;
            var logprobs = token.Logprob is null ? null : LegacyLogprobs.From([token.Logprob]);
            await sse.WriteAsync(new TextCompletionResponse(id, created, request.Model, [new TextCompletionChoice(token.TextDelta, index, logprobs, token.FinishReason)], null), ct);
        }
        if (!started) sse.Start();
        await sse.DoneAsync(ct);
    }

    static async Task Chat(ChatCompletionRequest body, HttpContext http, TuningDbContext db, CompletionRunner runner, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.Model)) throw ApiException.BadRequest("model is required.", "model");
        if (body.Messages is null || body.Messages.Count == 0) throw ApiException.BadRequest("messages must hold at least one message.", "messages");
        RequestParsing.RefuseUnsupportedSampling(body.FrequencyPenalty, body.PresencePenalty, body.LogitBias);
        RequestParsing.RefuseUnsupported("logprobs", body.Logprobs is true);
        RequestParsing.RefuseUnsupported("top_logprobs", body.TopLogprobs is not (null or 0));
        RequestParsing.RefuseUnsupported("response_format", body.ResponseFormat?["type"]?.GetValueKind() is not null
            && body.ResponseFormat["type"]!.ToString() != "text");
        RequestParsing.RefuseUnsupported("tool_choice", body.ToolChoice is { ValueKind: not JsonValueKind.Null } choice
            && !(choice.ValueKind == JsonValueKind.String && choice.GetString() is "auto" or "none"));
        var request = new GenerationRequest(body.Model, [], RequestParsing.N(body.N),
            RequestParsing.MaxTokens(body.MaxCompletionTokens, "max_completion_tokens") ?? RequestParsing.MaxTokens(body.MaxTokens, "max_tokens"),
            RequestParsing.Options(body.Temperature, body.TopP, body.TopK, body.Seed, body.Stop, logprobs: null),
            new ChatPrompt(body.Messages, body.Tools, body.ChatTemplateKwargs));
        var id = Ids.New("chatcmpl");
        var created = Clock.Now();
        if (body.Stream != true)
        {
            var result = await runner.RunAsync(request, Caller.From(http), db, ct);
            var choices = result.Outputs.Select((o, i) => new ChatChoice(i, new ChatMessageResponse("assistant", o.Text), o.FinishReason)).ToList();
            await http.Response.WriteAsJsonAsync(new ChatCompletionResponse(id, created, result.Model, choices, new UsageResponse(result.PromptTokens, result.CompletionTokens)), ct);
            return;
        }
        var sse = new ServerSentEvents(http.Response);
        var begun = new HashSet<int>();
        var started = false;
        await foreach (var (index, token) in runner.StreamAsync(request, Caller.From(http), db, _ => { }, ct))
        {
            if (!started) { sse.Start(); started = true; }
            var delta = token.TextDelta;
            if (delta.Length > 0 && begun.Add(index))
                await sse.WriteAsync(new ChatCompletionChunk(id, created, request.Model, [new ChatChunkChoice(index, new ChatDelta("assistant", ""), null)]), ct);
            if (delta.Length == 0 && token.FinishReason is null) continue;
            await sse.WriteAsync(new ChatCompletionChunk(id, created, request.Model, [new ChatChunkChoice(index, new ChatDelta(null, delta), token.FinishReason)]), ct);
        }
        if (!started) sse.Start();
        await sse.DoneAsync(ct);
    }
}
