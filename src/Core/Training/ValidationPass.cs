using TorchSharp;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>The model's loss and token accuracy over all labelled tokens of the validation batches.</summary>
internal sealed class ValidationPass(ITrainingObjective objective, Device device, IReadOnlyList<PaddedBatch> batches)
{
    public bool HasExamples => batches.Count > 0;

    /// <summary>Token-weighted loss and accuracy in eval mode, read back once at the end; null when cancelled.</summary>
    public (double Loss, double Accuracy)? Run(CancellationToken cancellationToken)
    {
        nn.Module model = objective.Model;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Tensor lossSum = zeros(Array.Empty<long>(), ScalarType.Float32, device);
            Tensor correctSum = zeros(Array.Empty<long>(), ScalarType.Int64, device);
            long predicted = 0;
            foreach (PaddedBatch batch in batches.Where(b => b.PredictedTokenCount > 0))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
                using var batchScope = NewDisposeScope();
                (Tensor ids, Tensor labels) = batch.ToTensors(device);
                (Tensor loss, Tensor correct) = objective.Compute(ids, batch.MaskTensor(device), labels, batch.SegmentTensor(device));
                // The batch loss is a mean over its tokens; weighting by the count makes the total a mean over all.
                lossSum.add_(loss * batch.PredictedTokenCount);
                correctSum.add_(correct);
                predicted += batch.PredictedTokenCount;
            }
            return predicted == 0
                ? (double.NaN, double.NaN)
                : (lossSum.item<float>() / predicted, (double)correctSum.item<long>() / predicted);
        }
        finally
        {
            model.train();
        }
    }
}
