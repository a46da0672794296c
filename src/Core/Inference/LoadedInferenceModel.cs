using TuningService.Core.ChatFormatting;
using TuningService.Core.ChatTemplates;
using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Inference;

/// <summary>
/// A model held in memory for inference, with its tokenizer and conversation format. Disposed by the cache once
/// evicted and unused.
/// </summary>
public sealed class LoadedInferenceModel : IDisposable
{
    readonly ChatFormat? chatFormat;
    readonly ChatTemplateException? chatFormatError;

    /// <param name="directory">The model folder (its tokenizer files and generation config), for templates a request names.</param>
    public LoadedInferenceModel(string id, string directory, LoadedModel model, ITextTokenizer tokenizer)
    {
        Id = id;
        Directory = directory;
        Model = model;
        Tokenizer = tokenizer;
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

    public string Id { get; }
    public string Directory { get; }
    public LoadedModel Model { get; }
    public ITextTokenizer Tokenizer { get; }

    /// <summary>How chat requests are rendered for this model: its own template, else the plain layout.</summary>
    /// <exception cref="ChatTemplateException">The model's own template does not parse.</exception>
    public ChatFormat ChatFormat => chatFormat
        ?? throw new ChatTemplateException(chatFormatError!.Message, chatFormatError.Kind, chatFormatError.Line, chatFormatError.Column);

    /// <summary>The model's context window in tokens (config.json's max_position_embeddings or its family's equivalent).</summary>
    public int ContextLength => Model.Config.MaxPositionEmbeddings;

    /// <summary>Serialises generation on this model: a TorchSharp module is not safe to run from two threads at once.</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    public void Dispose()
    {
        Model.Dispose();
        Lock.Dispose();
    }
}
