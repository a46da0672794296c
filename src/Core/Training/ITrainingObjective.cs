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

    /// <summary>Whether <see cref="Compute"/> accepts packed rows (segment ids); decoder-only models that support it.</summary>
    bool SupportsPacking => false;

    /// <summary>Whether <see cref="Compute"/> can take its loss chunk by chunk from the final hidden states
    /// (<see cref="TrainingOptions.LossChunkPositions"/>): models that split their output head from their body.</summary>
    bool SupportsLossChunks => false;

    /// <summary>
    /// From now on compute the loss <paramref name="positions"/> positions at a time, never holding the full logits;
    /// 0 goes back to the full logits. The trainer sets it for a run, after checking <see cref="SupportsLossChunks"/>.
    /// </summary>
    void UseLossChunks(int positions)
    {
        if (positions != 0)
            throw new NotSupportedException($"{GetType().Name} cannot compute its loss in chunks of positions.");
    }

    /// <summary>Mean loss over labelled tokens (fp32 scalar) and the count of correctly predicted tokens (int64 scalar), both on the device.</summary>
    /// <param name="segmentIds">[B, T] int64 for packed rows (examples 1, 2, 3, … per row, 0 = padding; see
    /// <see cref="SequencePacker"/>), or null when each row is one example.</param>
    (Tensor Loss, Tensor Correct) Compute(Tensor inputIds, Tensor inputMask, Tensor labels, Tensor? segmentIds = null);

    /// <summary>The loss of one padded batch, its tensors made on <paramref name="device"/> in the current dispose scope.
    /// Objectives that need more than the token tensors (preference pairs with their reference log-probs) override it.</summary>
    BatchLoss ComputeBatch(PaddedBatch batch, Device device)
    {
        ArgumentNullException.ThrowIfNull(batch);
        (Tensor ids, Tensor labels) = batch.ToTensors(device);
        (Tensor loss, Tensor correct) = Compute(ids, batch.MaskTensor(device), labels, batch.SegmentTensor(device));
        return new BatchLoss(loss, correct);
    }
}
