using static TorchSharp.torch;

namespace TuningService.Core.Training.Preference;

/// <summary>
/// Scores every pair once with the starting model, before full fine-tuning changes it (TRL's
/// <c>precompute_ref_log_probs</c>), so the run needs no second copy of the model as its reference: each pair
/// then carries its reference log-probs (<see cref="TokenizedExample.Reference"/>).
/// </summary>
public static class ReferenceLogProbs
{
    /// <summary>
    /// The pairs with <see cref="TokenizedExample.Reference"/> set, in the given order, scored in eval mode (no
    /// dropout) without gradients on <paramref name="device"/>, where the model must already be. Null when cancelled.
    /// </summary>
    public static IReadOnlyList<TokenizedExample>? Score(PreferenceObjective objective, IReadOnlyList<TokenizedExample> pairs, int batchSize,
        int paddingId, Device device, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(pairs);
        var batcher = new Batcher(batchSize, paddingId);
        var scored = new List<TokenizedExample>(pairs.Count);
        bool wasTraining = objective.Model.training;
        objective.Model.eval();
        try
        {
            foreach (TokenizedExample[] chunk in pairs.Select(p => p with { Reference = null }).Chunk(batchSize))
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }
                using var scope = NewDisposeScope();
                PaddedBatch batch = batcher.Batches(chunk).Single();
                (Tensor ids, Tensor labels) = batch.ToTensors(device);
                float[] values = objective.Score(ids, labels, asReference: true).cpu().data<float>().ToArray();
                for (int i = 0; i < chunk.Length; i++)
                {
                    scored.Add(chunk[i] with { Reference = new PairReference(values[i], values[chunk.Length + i]) });
                }
            }
            return scored;
        }
        finally
        {
            objective.Model.train(wasTraining);
        }
    }
}
