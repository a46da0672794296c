using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>
/// What the trainer optimises: the model and how a padded batch becomes a loss. Decoder-only models predict the
/// next token of one sequence (<see cref="CausalObjective"/>); encoder-decoder models read the input and predict
/// the target (<see cref="Seq2SeqObjective"/>).
/// </summary>
public interface ITrainingObjective
{
    nn.Module Model { get; }

    /// <summary>The longest input sequence the model accepts.</summary>
    int MaxInputLength { get; }

    /// <summary>True when a label at position t is predicted from position t-1 (causal LMs); false when labels are the decoder's own targets.</summary>
    bool LabelsAreShifted { get; }

    /// <summary>Mean loss over labelled tokens (fp32 scalar) and the count of correctly predicted tokens (int64 scalar), both on the device.</summary>
    (Tensor Loss, Tensor Correct) Compute(Tensor inputIds, Tensor inputMask, Tensor labels);
}
