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

    // Right padding comes after every real token, so causal attention alone keeps real positions from seeing it.
    public (Tensor Loss, Tensor Correct) Compute(Tensor inputIds, Tensor inputMask, Tensor labels)
    {
        Tensor logits = model.call(inputIds);                       // (B, T, V)
        return (CausalLmLoss.Compute(logits, labels), CausalLmLoss.CountCorrect(logits.detach(), labels));
    }
}
