using TorchSharp;
using TuningService.Core.Training.Preference;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>The model's loss and token accuracy over all labelled tokens of the validation batches.</summary>
internal sealed class ValidationPass(ITrainingObjective objective, Device device, IReadOnlyList<PaddedBatch> batches)
{
    public bool HasExamples => batches.Count > 0;

    /// <summary>Loss weighted by what each batch's loss averages over (tokens, or pairs), token accuracy, and the DPO
    /// metrics of preference batches, in eval mode, read back once at the end; null when cancelled.</summary>
    public (double Loss, double Accuracy, PreferenceMetrics? Preference)? Run(CancellationToken cancellationToken)
    {
        nn.Module model = objective.Model;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            Tensor lossSum = zeros(Array.Empty<long>(), ScalarType.Float32, device);
            Tensor correctSum = zeros(Array.Empty<long>(), ScalarType.Int64, device);
            Tensor preferenceSums = zeros([PreferenceMetrics.SumCount], ScalarType.Float32, device);
            long predicted = 0, weight = 0, pairs = 0;
            foreach (PaddedBatch batch in batches.Where(b => b.PredictedTokenCount > 0))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
                using var batchScope = NewDisposeScope();
                BatchLoss result = objective.ComputeBatch(batch, device);
                // The batch loss is a mean over its tokens (or pairs); weighting by the count makes the total a mean over all.
                lossSum.add_(result.Loss * batch.LossWeight);
                correctSum.add_(result.Correct);
                if (result.PreferenceSums is { } sums)
                {
                    preferenceSums.add_(sums);
                }
                predicted += batch.PredictedTokenCount;
                weight += batch.LossWeight;
                pairs += batch.PairCount;
            }
            PreferenceMetrics? preference = pairs > 0
                ? PreferenceMetrics.FromSums(preferenceSums.cpu().data<float>().ToArray(), (int)pairs)
                : null;
            return predicted == 0
                ? (double.NaN, double.NaN, preference)
                : (lossSum.item<float>() / weight, (double)correctSum.item<long>() / predicted, preference);
        }
        finally
        {
            model.train();
        }
    }
}
