using System.Diagnostics;
using System.Threading.Channels;
using TuningService.Api.Infrastructure;
using TuningService.Core.Catalog;
using TuningService.Core.Generation;
using TuningService.Core.Inference;
using TuningService.Core.Observability;
using TuningService.Core.Persistence;

namespace TuningService.Api.Completions;

/// <summary>
/// Runs a checked generation request: finds the model the caller may use, waits for a generation slot (429 when the
/// queue is full), leases the model from the cache, tokenizes and generates on a worker thread. Tokens can be
/// streamed as they come through <see cref="StreamAsync"/>.
/// </summary>
public sealed class CompletionRunner(ModelCatalog catalog, ModelCache cache, GenerationGate gate)
{
    /// <summary>Default completion budget for chat, which OpenAI leaves to the context window.</summary>
    const int ChatDefaultMaxTokens = 256;

    public async Task<CompletionResult> RunAsync(GenerationRequest request, Caller caller, TuningDbContext db, CancellationToken ct) =>
        await RunCoreAsync(request, caller, db, onToken: null, ct);

    /// <summary>Generates while yielding (completion index, token) as each token is chosen; then the final result.</summary>
    public async IAsyncEnumerable<(int Index, GeneratedToken Token)> StreamAsync(GenerationRequest request, Caller caller,
        TuningDbContext db, Action<CompletionResult> onDone, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateUnbounded<(int, GeneratedToken)>(new UnboundedChannelOptions { SingleReader = true });
        var run = RunCoreAsync(request, caller, db, (i, t) => channel.Writer.TryWrite((i, t)), ct)
            .ContinueWith(t => { channel.Writer.TryComplete(t.Exception?.InnerException); return t; }, TaskScheduler.Default).Unwrap();
        await foreach (var item in channel.Reader.ReadAllAsync(ct))
            yield return item;
        onDone(await run);
    }

    async Task<CompletionResult> RunCoreAsync(GenerationRequest request, Caller caller, TuningDbContext db,
        Action<int, GeneratedToken>? onToken, CancellationToken ct)
    {
        var model = await catalog.FindAsync(db, request.Model, caller.Owner, ct)
            ?? throw new ApiException(404, $"The model '{request.Model}' does not exist or you do not have access to it.", "model", "model_not_found");
        // Fetched if this machine lacks it, and kept on disk (Tuning:LocalCacheBytes) while this request loads it.
        using var files = await catalog.LeaseLocalAsync(model, ct);
        // A LoRA fine-tune is served as its adapter on the model its job started from: that model's files too.
        using var startingFiles = await LeaseStartingModelAsync(model, ct);
        if (startingFiles is null) model = model with { StartingModel = null };
        using var slot = await gate.TryEnterAsync(caller.Owner, ct)
            ?? throw new ApiException(429, "Too many generation requests are waiting; retry shortly.", null, "rate_limit_exceeded", "requests");
        using var lease = await cache.AcquireAsync(model, ct);
        var loaded = lease.Model;
        var tokenizer = loaded.Tokenizer;
        var vocabSize = loaded.Model.Model switch
        {
            Core.Models.CausalLanguageModel c => c.VocabSize,
            Core.Models.Seq2SeqLanguageModel s => s.VocabSize,
            _ => throw new ApiException(400, $"Completions for the '{loaded.Model.Config.ModelType}' family are not available.", "model", "model_not_supported"),
        };
        var seq2seq = loaded.Model.Model is Core.Models.Seq2SeqLanguageModel;

        var options = request.Options;
        var inputs = request.Prompts;
        var trimAnswer = false;
        if (request.Chat is not null)
        {
            var format = ChatFormatOf(loaded);
            var text = ChatPromptRenderer.Render(format, request.Chat, ct: ct);
            // A template writes BOS and every marker itself (transformers' apply_chat_template tokenizes with
            // add_special_tokens=False); the plain layout is framed as training frames it. The answer ends at any
            // of the format's stop ids (never part of the text) or stop texts.
            inputs = [format.IsPlain ? new PromptInput(text, null) : new PromptInput(null, tokenizer.Encode(text))];
            options = options with { StopTokenIds = format.StopTokenIds, StopSequences = [.. options.StopSequences, .. format.StopTexts] };
            trimAnswer = format.IsPlain;
        }

        var prompts = new List<IReadOnlyList<int>>();
        foreach (var p in inputs)
        {
            var ids = p.TokenIds ?? Tokenize(p.Text!, tokenizer, seq2seq);
            if (ids.Any(id => id < 0 || id >= vocabSize))
                throw ApiException.BadRequest($"A prompt token id is outside this model's vocabulary (0..{vocabSize - 1}).", "prompt");
            for (var i = 0; i < request.N; i++) prompts.Add(ids);
        }
        options = options with { MaxNewTokens = MaxNewTokens(request, loaded, prompts) };
        if (trimAnswer) onToken = TrimmingLeadingSpace(onToken);

        // The turn selects this model's adapter when it is one on a shared base (see ModelCache).
        using var turn = await loaded.EnterAsync(ct);
        try
        {
            var generating = Stopwatch.StartNew();
            // Generation is compute-bound for seconds: off the request thread.
            var outputs = await Task.Factory.StartNew(() => loaded.Model.Model switch
            {
                Core.Models.Seq2SeqLanguageModel s => TextGenerator.Generate(s, tokenizer, prompts, options, onToken, ct),
                var m => TextGenerator.Generate((Core.Models.CausalLanguageModel)m, tokenizer, prompts, options, onToken, ct),
            }, ct, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var result = new CompletionResult(loaded.Id, trimAnswer ? [.. outputs.Select(o => o with { Text = o.Text.TrimStart() })] : outputs, request.N);
            var kind = TuningMetrics.Kind(request.Chat is null ? "completion" : "chat");
            TuningMetrics.GenerationSeconds.Record(generating.Elapsed.TotalSeconds, kind);
            TuningMetrics.GenerationPromptTokens.Add(result.PromptTokens, kind);
            TuningMetrics.GenerationCompletionTokens.Add(result.CompletionTokens, kind);
            return result;
        }
        catch (ArgumentException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    /// <summary>
    /// The starting model's folder, leased on this machine, for a fine-tune with an adapter folder; null when there is
    /// none to serve the adapter on (the model is then served from its merged folder).
    /// </summary>
    async Task<IDisposable?> LeaseStartingModelAsync(CatalogModel model, CancellationToken ct)
    {
        if (model.StartingModel is not { } start || !Directory.Exists(model.AdapterDirectory)) return null;
        try
        {
            return await catalog.LeaseLocalAsync(start, ct);
        }
        catch (Core.Storage.ArtifactNotFoundException)
        {
            return null;
        }
    }

    static Core.ChatFormatting.ChatFormat ChatFormatOf(LoadedInferenceModel loaded)
    {
        try
        {
            return loaded.ChatFormat;
        }
        catch (Core.ChatTemplates.ChatTemplateException e)
        {
            throw ApiException.BadRequest(e.Message, "model");
        }
    }

    /// <summary>
    /// The plain layout ends at "Assistant:", so an answer's first characters are a space: each completion's leading
    /// whitespace is dropped from the streamed pieces until its first visible character.
    /// </summary>
    static Action<int, GeneratedToken>? TrimmingLeadingSpace(Action<int, GeneratedToken>? onToken)
    {
        if (onToken is null) return null;
        var begun = new HashSet<int>();
        return (index, token) =>
        {
            if (begun.Contains(index)) { onToken(index, token); return; }
            var delta = token.TextDelta.TrimStart();
            if (delta.Length > 0) begun.Add(index);
            onToken(index, token with { TextDelta = delta });
        };
    }

    /// <summary>
    /// A decoder-only model's prompt and completion share its context window; an encoder-decoder model's prompt has
    /// the encoder to itself and its completion the decoder, each bounded by the context. The context is the config's
    /// max_position_embeddings (n_positions for GPT-2 and T5). T5's positions are relative, so nothing in the model
    /// stops at n_positions, but it is what the config states, what T5's tokenizers set as model_max_length (512) and
    /// what training cuts examples to (TrainingFraming): a longer prompt would run on inputs the model never saw.
    /// Past the context: 400 context_length_exceeded with OpenAI's wording, naming both counts.
    /// </summary>
    static int MaxNewTokens(GenerationRequest request, LoadedInferenceModel loaded, List<IReadOnlyList<int>> prompts)
    {
        var context = loaded.Model.Config.MaxPositionEmbeddings;
        var longest = prompts.Max(p => p.Count);
        var promptPart = request.Chat is null ? "in the prompt" : "in the messages";
        var param = request.Chat is null ? "prompt" : "messages";
        if (loaded.Model.Model is Core.Models.Seq2SeqLanguageModel)
        {
            if (longest > context)
                throw ApiException.BadRequest(
                    $"This model's maximum context length is {context} tokens for the input. However, you requested {longest} tokens {promptPart}. " +
                    "Please reduce the length of the prompt.", param, "context_length_exceeded");
            var wanted = request.MaxTokens ?? ChatDefaultMaxTokens;
            return wanted <= context ? wanted
                : throw ApiException.BadRequest(
                    $"This model's maximum context length is {context} tokens for the completion. However, you requested {wanted} tokens in the completion. " +
                    "Please reduce max_tokens.", "max_tokens", "context_length_exceeded");
        }
        var room = context - longest;
        var maxTokens = request.MaxTokens ?? Math.Min(ChatDefaultMaxTokens, Math.Max(room, 1));
        if (maxTokens > room)
            throw ApiException.BadRequest(
                $"This model's maximum context length is {context} tokens. However, you requested {longest + maxTokens} tokens " +
                $"({longest} {promptPart}, {maxTokens} in the completion). Please reduce the length of the {param} or the completion.",
                longest >= context ? param : "max_tokens", "context_length_exceeded");
        return maxTokens;
    }

    /// <summary>The same framing training uses: BOS first for models that want it; T5's input ends with EOS.</summary>
    static IReadOnlyList<int> Tokenize(string text, Core.Tokenization.ITextTokenizer tokenizer, bool seq2seq)
    {
        if (seq2seq) return tokenizer.EosId is { } eos ? [.. tokenizer.Encode(text), eos] : tokenizer.Encode(text);
        return tokenizer.AddBos && tokenizer.BosId is { } bos ? [bos, .. tokenizer.Encode(text)] : tokenizer.Encode(text);
    }
}

/// <summary>The outputs in prompt order, each prompt's n completions together.</summary>
public sealed record CompletionResult(string Model, IReadOnlyList<GenerationOutput> Outputs, int N)
{
    /// <summary>Each prompt counted once, however many completions it got (as OpenAI counts usage).</summary>
    public int PromptTokens => Outputs.Where((_, i) => i % N == 0).Sum(o => o.PromptTokens);
    public int CompletionTokens => Outputs.Sum(o => o.CompletionTokens);
}
