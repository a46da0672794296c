using TorchSharp.Modules;
using TuningService.Core.Models.Checkpointing;
using static TorchSharp.torch;

namespace TuningService.Core.Training;

/// <summary>One optimizer step over one or more batches (gradient accumulation), with clipping; or, given
/// <paramref name="inBackwardHooks"/>, one batch whose update is taken during its backward pass (<see cref="InBackwardUpdate"/>).</summary>
internal sealed class OptimizerStep(ITrainingObjective objective, TrainableWeights weights, ITrainingOptimizer optimizer, double maxGradNorm,
    Device device, BlockCheckpointing? inBackwardHooks = null)
{
    /// <summary>Returns [loss, grad norm, correct tokens] (fp32, on the device), followed for preference batches by the
    /// sums behind the DPO metrics (<see cref="Preference.PreferenceLossResult.Sums"/>); detached and moved out of
    /// the step's scope; everything else the step made is freed with the scope.</summary>
    public Tensor Take(IReadOnlyList<PaddedBatch> batches, double learningRate)
    {
        using var scope = NewDisposeScope();
        weights.ZeroGrad(optimizer);
        int lossWeight = batches.Sum(b => b.LossWeight);
        Tensor loss = zeros(Array.Empty<long>(), ScalarType.Float32, device);
        Tensor correct = zeros(Array.Empty<long>(), ScalarType.Int64, device);
        Tensor? preferenceSums = null;
        Tensor? gradNorm = null;
        foreach (PaddedBatch batch in batches)
        {
            // A scope per batch frees its activations before the next batch's forward pass.
            using var batchScope = NewDisposeScope();
            // Stepping in the backward pass: the checkpointed blocks take their hook when they run forward, so it is
            // set before the forward pass; the checks in SupervisedTrainer leave one batch per step and no clipping.
            using InBackwardUpdate? update = inBackwardHooks is null ? null : new InBackwardUpdate(weights, optimizer, learningRate, device);
            if (update is not null)
            {
                inBackwardHooks!.GradientsReady = update.OnBlockBackward;
            }
            Tensor weighted;
            BatchLoss result;
            try
            {
                result = objective.ComputeBatch(batch, device);
                // Weighted accumulation: the batch's mean scaled by its share of what the step's loss averages over
                // (labelled tokens, or pairs for preference batches), so the summed gradients (and the summed loss)
                // equal those of one batch holding all of the step's examples.
                weighted = result.Loss * ((double)batch.LossWeight / lossWeight);
                weighted.backward();
            }
            finally
            {
                if (update is not null)
                {
                    inBackwardHooks!.GradientsReady = null;
                }
            }
            if (update is not null)
            {
                update.UpdateTheRest();
                gradNorm = update.GradNorm().MoveToOuterDisposeScope();
            }
            else
            {
                weights.CollectGradients();
            }
            loss.add_(weighted.detach());
            correct.add_(result.Correct);
            if (result.PreferenceSums is { } sums)
            {
                preferenceSums = preferenceSums is null ? sums.detach().MoveToOuterDisposeScope() : preferenceSums.add_(sums);
            }
        }
        if (inBackwardHooks is null)
        {
            gradNorm = GradientClipping.ClipByGlobalNorm(weights.Optimized, maxGradNorm);
            optimizer.Step(learningRate);
            weights.CopyMastersToModel();
        }
        Tensor stats = stack([loss, gradNorm!, correct.to_type(ScalarType.Float32)]);
        return (preferenceSums is null ? stats : cat([stats, preferenceSums])).MoveToOuterDisposeScope();
    }
}
