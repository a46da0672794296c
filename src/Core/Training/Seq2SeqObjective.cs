using TorchSharp;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// Encoder-decoder training as in T5: the encoder reads the prompt (padding masked, since the encoder looks both
/// ways), the decoder is fed the target shifted right and predicts it.
/// </summary>
public sealed class Seq2SeqObjective(Seq2SeqLanguageModel model, int maxInputLength, int padTokenId) : ITrainingObjective
{
    public nn.Module Model => model;
    public int MaxInputLength => maxInputLength;
    public bool LabelsAreShifted => false;
    public bool SupportsLossChunks => true;

    private int _lossChunkPositions;

    public void UseLossChunks(int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positions);
        _lossChunkPositions = positions;
    }

    public (Tensor Loss, Tensor Correct) Compute(Tensor inputIds, Tensor inputMask, Tensor labels, Tensor? segmentIds = null)
    {
        if (segmentIds is not null)
            throw new ArgumentException("Packing is for decoder-only models; an encoder-decoder model trains on one example per row.", nameof(segmentIds));
        Tensor decoderIds = Seq2SeqLoss.ShiftRight(labels, model.DecoderStartTokenId, padTokenId); // (B, T)
        Tensor encoded = model.Encode(inputIds, inputMask);                                         // (B, S, D)
        if (_lossChunkPositions > 0)
            return Seq2SeqLoss.ComputeInChunks(model.DecoderHiddenStates(decoderIds, encoded, inputMask), labels, model.Logits, _lossChunkPositions);
        Tensor logits = model.Decode(decoderIds, encoded, inputMask, cache: null);                  // (B, T, V)
        return (Seq2SeqLoss.Compute(logits, labels), Seq2SeqLoss.CountCorrect(logits.detach(), labels));
    }
}
