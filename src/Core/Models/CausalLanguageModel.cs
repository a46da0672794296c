using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Models;

/// <summary>
/// A decoder-only language model: input ids [batch, time] (int64) in, logits [batch, time, vocab] (float32) out.
/// Attention is causal; with right padding, real positions never see padded ones, so no mask is needed for training.
/// </summary>
public abstract class CausalLanguageModel : nn.Module<Tensor, Tensor>
{
    protected CausalLanguageModel(string name) : base(name) { }

    public abstract int VocabSize { get; }

    /// <summary>The longest sequence the model was trained for (config `max_position_embeddings`).</summary>
    public abstract int MaxPositions { get; }
}
