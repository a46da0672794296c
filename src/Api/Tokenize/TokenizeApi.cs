using TuningService.Api.Completions;
using TuningService.Api.Infrastructure;
using TuningService.Core.Catalog;
using TuningService.Core.ChatFormatting;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Inference;
using TuningService.Core.Persistence;
using TuningService.Core.Tokenization;

namespace TuningService.Api.Tokenize;

/// <summary>
/// POST /tokenize and /detokenize, compatible with vLLM's: a model's tokenizer and chat format as the completion
/// endpoints use them, so a client can count tokens and see exactly the prompt a conversation becomes.
/// </summary>
public static class TokenizeApi
{
    /// <summary>Real chat templates are up to ~15 KB (Llama 3.1 with tools), as a job's chat_template is bounded.</summary>
    const int MaxChatTemplateLength = 64 * 1024;

    public static IEndpointRouteBuilder MapTokenize(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Inference");
        group.MapPost("/tokenize", Tokenize).WithSummary("Tokenize a prompt, or a conversation as /v1/chat/completions renders it")
            .WithDescription("As vLLM's /tokenize: {model, prompt, add_special_tokens (default true)} or {model, messages, add_generation_prompt " +
                "(default true), continue_final_message, tools, chat_template, chat_template_kwargs, add_special_tokens}, each with return_token_strs. " +
                "Returns {tokens, count, max_model_len, token_strs?}; for messages also prompt, the rendered text (an extension).");
        group.MapPost("/detokenize", Detokenize).WithSummary("Turn token ids back into text")
            .WithDescription("As vLLM's /detokenize: {model, tokens} → {prompt}; special tokens are kept in the text.");
        return app;
    }

    static async Task<TokenizeResponse> Tokenize(TokenizeRequest body, HttpContext http, TuningDbContext db, ModelCatalog catalog, ModelCache cache,
        CancellationToken ct)
    {
        if (body.Prompt is not null && body.Messages is not null)
            throw ApiException.BadRequest("Give either prompt or messages, not both.", "messages");
        if (body.Prompt is null && body.Messages is null) throw ApiException.BadRequest("prompt or messages is required.", "prompt");
        if (body.ChatTemplate?.Length > MaxChatTemplateLength)
            throw ApiException.BadRequest($"chat_template may be at most {MaxChatTemplateLength} characters, got {body.ChatTemplate.Length}.", "chat_template");
        using var lease = await LeaseAsync(body.Model, http, db, catalog, cache, ct);
        var loaded = lease.Model;
        var tokenizer = loaded.Tokenizer;

        string? rendered = null;
        IReadOnlyList<int> tokens;
        if (body.Messages is { } messages)
        {
            var format = ChatFormatFor(loaded, body.ChatTemplate);
            rendered = ChatPromptRenderer.Render(format, new ChatPrompt(messages, body.Tools, body.ChatTemplateKwargs),
                body.AddGenerationPrompt ?? true, body.ContinueFinalMessage ?? false, ct);
            tokens = body.AddSpecialTokens ?? format.IsPlain ? WithSpecialTokens(rendered, loaded) : tokenizer.Encode(rendered);
        }
        else
        {
            tokens = body.AddSpecialTokens ?? true ? WithSpecialTokens(body.Prompt!, loaded) : tokenizer.Encode(body.Prompt!);
        }
        var tokenStrs = body.ReturnTokenStrs == true ? tokens.Select(id => TokenString(tokenizer, id)).ToList() : null;
        return new TokenizeResponse(tokens, tokens.Count, loaded.ContextLength, tokenStrs, rendered);
    }

    static async Task<DetokenizeResponse> Detokenize(DetokenizeRequest body, HttpContext http, TuningDbContext db, ModelCatalog catalog, ModelCache cache,
        CancellationToken ct)
    {
        if (body.Tokens is null) throw ApiException.BadRequest("tokens is required: an array of token ids.", "tokens");
        using var lease = await LeaseAsync(body.Model, http, db, catalog, cache, ct);
        var tokenizer = lease.Model.Tokenizer;
        var outside = body.Tokens.FindIndex(id => id < 0 || id >= tokenizer.VocabSize);
        if (outside >= 0)
            throw ApiException.BadRequest($"tokens[{outside}] ({body.Tokens[outside]}) is outside this tokenizer's vocabulary (0..{tokenizer.VocabSize - 1}).", "tokens");
        return new DetokenizeResponse(tokenizer.Decode(body.Tokens, skipSpecialTokens: false));
    }

    /// <summary>The model as the completion endpoints find it (the caller's own, or shared), from the inference cache.</summary>
    static async Task<ModelLease> LeaseAsync(string? model, HttpContext http, TuningDbContext db, ModelCatalog catalog, ModelCache cache, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(model)) throw ApiException.BadRequest("model is required.", "model");
        var found = await catalog.FindLocalAsync(db, model, Caller.From(http).Owner, ct)
            ?? throw new ApiException(404, $"The model '{model}' does not exist or you do not have access to it.", "model", "model_not_found");
        return await cache.AcquireAsync(found, ct);
    }

    /// <summary>The model's own format (built when it was loaded), or the one the request names.</summary>
    static ChatFormat ChatFormatFor(LoadedInferenceModel loaded, string? chatTemplate)
    {
        try
        {
            return chatTemplate is null ? loaded.ChatFormat : ChatFormats.For(loaded.Directory, loaded.Tokenizer, chatTemplate);
        }
        catch (ChatTemplateException e)
        {
            throw ApiException.BadRequest(e.Message, chatTemplate is null ? "model" : "chat_template");
        }
    }

    /// <summary>
    /// transformers' encode with add_special_tokens: the tokenizer's own framing (a tokenizer.json's post-processor,
    /// else BOS when it adds one); Hugging Face's T5 tokenizer ends every input with EOS, which the SentencePiece
    /// model alone does not say, so an encoder-decoder model's input gets it here (as completions frame it).
    /// </summary>
    static IReadOnlyList<int> WithSpecialTokens(string text, LoadedInferenceModel loaded)
    {
        var ids = loaded.Tokenizer.EncodeWithSpecialTokens(text);
        if (loaded.Model.Model is Core.Models.Seq2SeqLanguageModel && loaded.Tokenizer.EosId is { } eos && (ids.Count == 0 || ids[^1] != eos))
            return [.. ids, eos];
        return ids;
    }

    /// <summary>The vocabulary's spelling of an id; tokenizers without token strings (the shipped character-level one) give its decoded text.</summary>
    static string TokenString(ITextTokenizer tokenizer, int id)
    {
        try
        {
            return tokenizer.IdToToken(id) ?? "";
        }
        catch (NotSupportedException)
        {
            return tokenizer.Decode([id], skipSpecialTokens: false);
        }
    }
}
