using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>One optimizer step over one or more batches (gradient accumulation), with clipping.</summary>
internal sealed class OptimizerStep(ITrainingObjective objective, TrainableWeights weights, FusedAdamW optimizer, double maxGradNorm, Device device)
{
    /// <summary>Returns [loss, grad norm, correct tokens] (fp32, on the device), detached and moved out of the step's
    /// scope; everything else the step made is freed with the scope.</summary>
    public Tensor Take(IReadOnlyList<PaddedBatch> batches, double learningRate)
    {
        using var scope = NewDisposeScope();
        weights.ZeroGrad(optimizer.State);
        int predicted = batches.Sum(b => b.PredictedTokenCount);
        Tensor loss = zeros(Array.Empty<long>(), ScalarType.Float32, device);
        Tensor correct = zeros(Array.Empty<long>(), ScalarType.Int64, device);
        foreach (PaddedBatch batch in batches)
        {
            // A scope per batch frees its activations before the next batch's forward pass.
            using var batchScope = NewDisposeScope();
            (Tensor ids, Tensor labels) = batch.ToTensors(device); // (B, T) and (B, T or target length)
            (Tensor batchLoss, Tensor batchCorrect) = objective.Compute(ids, batch.MaskTensor(device), labels, batch.SegmentTensor(device));
            // Token-weighted accumulation: the batch's mean scaled by its share of the step's labelled tokens, so
            // the summed gradients (and the summed loss) equal those of one batch holding every token of the step.
            Tensor weighted = batchLoss * ((double)batch.PredictedTokenCount / predicted);
            weighted.backward();
            weights.CollectGradients();
            loss.add_(weighted.detach());
            correct.add_(batchCorrect);
        }
        Tensor gradNorm = GradientClipping.ClipByGlobalNorm(weights.Optimized, maxGradNorm);
        optimizer.Step(learningRate);
        weights.CopyMastersToModel();
        return stack([loss, gradNorm, correct.to_type(ScalarType.Float32)]).MoveToOuterDisposeScope();
    }
}
