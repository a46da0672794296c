using static TorchSharp.torch;

namespace TuningService.Core.Generation;

/// <summary>
/// The model side of decoding: next-token logits for every row of a batch, given the tokens chosen so far. The
/// decoding loop (sampling, stopping, text) only talks to this, so other model shapes plug in here: a causal model
/// feeds its growing sequence (<see cref="CausalScorer"/>); an encoder-decoder would encode once in its constructor
/// and feed the decoder from its start token.
/// </summary>
internal interface INextTokenScorer : IDisposable
{
    /// <summary>Logits [rows, vocab] float32 for the token after each prompt. Called once, first.</summary>
    Tensor Start();

    /// <summary>Appends one token per row and returns the logits [rows, vocab] for the token after it.</summary>
    Tensor Next(IReadOnlyList<int> tokens);
}
