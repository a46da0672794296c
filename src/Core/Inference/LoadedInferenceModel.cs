using TuningService.Core.Models.HuggingFace;
using TuningService.Core.Tokenization;

namespace TuningService.Core.Inference;

/// <summary>A model held in memory for inference, with its tokenizer. Disposed by the cache once evicted and unused.</summary>
public sealed class LoadedInferenceModel(string id, LoadedModel model, ITextTokenizer tokenizer) : IDisposable
{
    public string Id { get; } = id;
    public LoadedModel Model { get; } = model;
    public ITextTokenizer Tokenizer { get; } = tokenizer;

    /// <summary>Serialises generation on this model: a TorchSharp module is not safe to run from two threads at once.</summary>
    public SemaphoreSlim Lock { get; } = new(1, 1);

    public void Dispose()
    {
        Model.Dispose();
        Lock.Dispose();
    }
}
