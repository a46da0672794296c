using TuningService.Core.ChatFormatting;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Lora;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Inference;

/// <summary>
/// A model held in memory for inference, with its tokenizer and conversation format: either a model of its own (a
/// base model, or a fine-tune served from its merged folder), or a LoRA fine-tune served as its adapter beside a
/// shared base (<see cref="ForAdapter"/>), which computes with the base's module and takes turns on the base's lock.
/// Disposed by the cache once evicted and unused.
/// </summary>
public sealed class LoadedInferenceModel : IDisposable
{
    readonly ChatFormat? chatFormat;
    readonly ChatTemplateException? chatFormatError;
    readonly LoadedInferenceModel? sharedBase;

    /// <param name="directory">The model folder (its tokenizer files and generation config), for templates a request names.</param>
    public LoadedInferenceModel(string id, string directory, LoadedModel model, ITextTokenizer tokenizer)
        : this(id, directory, model, tokenizer, sharedBase: null, adapterName: null)
    {
    }

    LoadedInferenceModel(string id, string directory, LoadedModel model, ITextTokenizer tokenizer, LoadedInferenceModel? sharedBase, string? adapterName)
    {
        Id = id;
        Directory = directory;
        Model = model;
        Tokenizer = tokenizer;
        this.sharedBase = sharedBase;
        AdapterName = adapterName;
        Adapters = sharedBase?.Adapters ?? new MultiAdapterModel(model.Model);
        Lock = sharedBase?.Lock ?? new SemaphoreSlim(1, 1);
        // A model whose own chat template does not parse still serves /v1/completions and /tokenize with a prompt:
        // the error is kept and given to the requests that need the template.
        try
        {
            chatFormat = ChatFormats.For(directory, tokenizer);
        }
        catch (ChatTemplateException e)
        {
            chatFormatError = e;
        }
    }

    /// <summary>
    /// The fine-tune <paramref name="id"/> as adapter <paramref name="adapterName"/> (already added to
    /// <paramref name="baseModel"/>'s <see cref="Adapters"/>) on the base's module. Its own folder gives the tokenizer
    /// and chat template, as a job saves the ones it trained with.
    /// </summary>
    public static LoadedInferenceModel ForAdapter(string id, string directory, LoadedInferenceModel baseModel, string adapterName, ITextTokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        if (baseModel.sharedBase is not null)
            throw new ArgumentException("An adapter goes on a base model, not on another adapter's view of one.", nameof(baseModel));
        return new LoadedInferenceModel(id, directory, baseModel.Model, tokenizer, baseModel, adapterName);
    }

    public string Id { get; }
    public string Directory { get; }

    /// <summary>The module generation runs; for an adapter, the shared base's (use it only inside <see cref="EnterAsync"/>).</summary>
    public LoadedModel Model { get; }

    public ITextTokenizer Tokenizer { get; }

    /// <summary>The adapter this model is, or null for a model of its own.</summary>
    public string? AdapterName { get; }

    /// <summary>The base model an adapter is served on, or null.</summary>
    public string? BaseModelId => sharedBase?.Id;

    /// <summary>The adapters held beside this model's module (shared with the base for an adapter).</summary>
    public MultiAdapterModel Adapters { get; }

    /// <summary>How chat requests are rendered for this model: its own template, else the plain layout.</summary>
    /// <exception cref="ChatTemplateException">The model's own template does not parse.</exception>
    public ChatFormat ChatFormat => chatFormat
        ?? throw new ChatTemplateException(chatFormatError!.Message, chatFormatError.Kind, chatFormatError.Line, chatFormatError.Column);

    /// <summary>The model's context window in tokens (config.json's max_position_embeddings or its family's equivalent).</summary>
    public int ContextLength => Model.Config.MaxPositionEmbeddings;

    /// <summary>
    /// Serialises work on the module: a TorchSharp module is not safe to run from two threads at once, and the
    /// adapters of one base take turns on it (shared by the base and all its adapters).
    /// </summary>
    internal SemaphoreSlim Lock { get; }

    /// <summary>
    /// Waits for this model's turn on its module and selects its adapter (none for a model of its own), so that
    /// everything run on <see cref="Model"/> until the turn is disposed computes this model. Requests for different
    /// adapters of one base are not batched together: they take turns here.
    /// </summary>
    public async Task<IDisposable> EnterAsync(CancellationToken ct)
    {
        await Lock.WaitAsync(ct);
        try
        {
            Adapters.Activate(AdapterName);
        }
        catch
        {
            Lock.Release();
            throw;
        }
        return new Turn(Lock);
    }

    sealed class Turn(SemaphoreSlim held) : IDisposable
    {
        int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0) held.Release();
        }
    }

    /// <summary>A model of its own frees its module and adapters; an adapter's view owns nothing (the cache removes its adapter from the base).</summary>
    public void Dispose()
    {
        if (sharedBase is not null) return;
        Adapters.Dispose();
        Model.Dispose();
        Lock.Dispose();
    }
}
