using TorchSharp;
using TuningService.Core.Models;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>Next-token prediction over [prompt, completion] with the loss on the completion (labels mask the rest).</summary>
public sealed class CausalObjective(CausalLanguageModel model) : ITrainingObjective
{
    public nn.Module Model => model;
    public int MaxInputLength => model.MaxPositions;
    public bool LabelsAreShifted => true;
    public bool SupportsPacking => model.SupportsPacking;
    public bool SupportsLossChunks => model.SplitsOutputHead;

    private int _lossChunkPositions;

    public void UseLossChunks(int positions)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(positions);
        if (positions > 0 && !model.SplitsOutputHead)
            throw new NotSupportedException($"{model.GetType().Name} does not split its output head from its body, so its loss cannot be computed in chunks.");
        _lossChunkPositions = positions;
    }

    // Right padding comes after every real token, so causal attention alone keeps real positions from seeing it.
    // Packed rows need the segments, so that each example attends to itself only.
    public (Tensor Loss, Tensor Correct) Compute(Tensor inputIds, Tensor inputMask, Tensor labels, Tensor? segmentIds = null)
    {
        if (_lossChunkPositions > 0)
            return CausalLmLoss.ComputeInChunks(model.HiddenStates(inputIds, segmentIds), labels, model.Logits, _lossChunkPositions);
        Tensor logits = segmentIds is null ? model.call(inputIds) : model.ForwardPacked(inputIds, segmentIds); // (B, T, V)
        return (CausalLmLoss.Compute(logits, labels), CausalLmLoss.CountCorrect(logits.detach(), labels));
    }
}
