using TorchSharp;
using TuningService.Core.Training;
using static TorchSharp.torch;

namespace TuningService.Core.MultiTask;

/// <summary>
/// Validation loss and token accuracy per task and overall, computed the way the trainer validates (mean
/// cross-entropy over labelled tokens, weighted by each batch's token count), in eval mode without gradients,
/// one dispose scope per batch. Sums stay on the model's device and are read back once, at the end.
/// </summary>
public sealed class PerTaskEvaluator
{
    private readonly ITrainingObjective _objective;
    private readonly Batcher _batcher;

    /// <summary>Batches are made here rather than passed in, so their label layout always matches the objective's.</summary>
    /// <param name="paddingId">The id batches pad inputs with (e.g. <see cref="ExampleTokenizer.PaddingId"/>).</param>
    public PerTaskEvaluator(ITrainingObjective objective, int batchSize, int paddingId)
    {
        ArgumentNullException.ThrowIfNull(objective);
        _objective = objective;
        _batcher = new Batcher(batchSize, paddingId, objective.LabelsAreShifted);
    }

    /// <summary>Evaluates the model where its parameters are; it is left in the training mode it was in.</summary>
    public PerTaskEvaluation Evaluate(IReadOnlyList<TaskExamples<TokenizedExample>> tasks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        nn.Module model = _objective.Model;
        Device device = model.parameters().FirstOrDefault()?.device
            ?? throw new InvalidOperationException("The model has no parameters to say which device it is on.");
        bool wasTraining = model.training;
        model.eval();
        try
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var sums = new Tensor[tasks.Count];       // per task: [Σ loss × tokens, Σ correct], float64
            var tokens = new long[tasks.Count];
            for (int t = 0; t < tasks.Count; t++)
            {
                sums[t] = zeros(2, ScalarType.Float64, device);
                // Sorted by length for the least padding: the token-weighted result does not depend on the order.
                foreach (PaddedBatch batch in _batcher.LengthSortedBatches(tasks[t].Examples).Where(b => b.PredictedTokenCount > 0))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var batchScope = NewDisposeScope();
                    (Tensor ids, Tensor labels) = batch.ToTensors(device);
                    (Tensor loss, Tensor correct) = _objective.Compute(ids, batch.MaskTensor(device), labels);
                    // The batch loss is a mean over its tokens; weighting by the count makes the sum a mean over all.
                    sums[t].add_(stack([loss.to_type(ScalarType.Float64) * batch.PredictedTokenCount, correct.to_type(ScalarType.Float64)]));
                    tokens[t] += batch.PredictedTokenCount;
                }
            }
            double[] read = tasks.Count == 0 ? [] : stack(sums).cpu().data<double>().ToArray(); // the one host sync
            return Summarise(tasks, tokens, read);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    private static PerTaskEvaluation Summarise(IReadOnlyList<TaskExamples<TokenizedExample>> tasks, long[] tokens, double[] sums)
    {
        var metrics = new TaskMetrics[tasks.Count];
        double lossSum = 0, correctSum = 0;
        for (int t = 0; t < tasks.Count; t++)
        {
            metrics[t] = new TaskMetrics(tasks[t].Name, tasks[t].Examples.Count, tokens[t],
                Ratio(sums[2 * t], tokens[t]), Ratio(sums[(2 * t) + 1], tokens[t]));
            lossSum += sums[2 * t];
            correctSum += sums[(2 * t) + 1];
        }
        long allTokens = tokens.Sum();
        return new PerTaskEvaluation(metrics, tasks.Sum(t => t.Examples.Count), allTokens, Ratio(lossSum, allTokens), Ratio(correctSum, allTokens));
    }

    private static double Ratio(double sum, long tokens) => tokens == 0 ? double.NaN : sum / tokens;
}
